/** Shows an untrusted value in a message, bounded so hostile input cannot flood logs. */
export function show(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 64 ? `${text.slice(0, 61)}...` : text;
}
