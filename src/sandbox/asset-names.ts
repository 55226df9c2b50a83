/**
 * The name GitHub gives an uploaded asset. Its docs say only that it "renames asset filenames that
 * have special characters, non-alphanumeric characters, and leading or trailing periods"; what
 * people observe is spaces and other special characters becoming periods (`my app.zip` →
 * `my.app.zip`) and a dotfile getting a `default` stem (`.env` → `default.env`). The rule here is
 * that, on the strict side, so a name it keeps is one GitHub keeps:
 *
 * 1. every character other than ASCII letters, digits, `-`, `_` and `.` becomes `.`;
 * 2. runs of periods collapse to one;
 * 3. trailing periods are dropped;
 * 4. a leading period gets `default` in front of it;
 * 5. a name left empty is `default`.
 */
export function normalizedAssetName(name: string): string {
  const renamed = name
    .replace(/[^A-Za-z0-9._-]/g, '.')
    .replace(/\.{2,}/g, '.')
    .replace(/\.+$/, '');
  if (renamed === '') return 'default';
  return renamed.startsWith('.') ? `default${renamed}` : renamed;
}
