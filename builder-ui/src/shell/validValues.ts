import type { FormInstance } from 'antd';

/**
 * The form's values when they validate, else undefined: the form already shows what is wrong, and
 * antd's rejection, left unhandled, would only reach the console.
 */
export async function validValues<T>(form: FormInstance<T>): Promise<T | undefined> {
  try {
    return await form.validateFields();
  } catch {
    return undefined;
  }
}
