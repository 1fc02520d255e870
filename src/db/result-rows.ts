/** The rows of a raw `execute`: both drivers answer `{ rows }`. */
export function resultRows<T>(result: unknown): T[] {
  return ((result as { rows?: T[] }).rows ?? []) as T[];
}
