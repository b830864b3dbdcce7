import { Alert } from 'antd';

/** The reasons a save refused this element, listed under its settings. */
export function ProblemList({ problems }: { problems: string[] }) {
  if (!problems.length) return null;
  return (
    <Alert
      type="error"
      showIcon
      className="crm-panel-problems"
      message={
        <ul className="crm-problem-list">
          {problems.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      }
    />
  );
}
