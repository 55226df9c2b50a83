const WIDTH = 100;

/**
 * A request as help texts show it: its JSON, indented by `indent`, broken between members so
 * that no line is much wider than a terminal.
 */
export function requestExample(request: object, indent: string): string {
  const members = Object.entries(request).map(
    ([name, value]) => `${JSON.stringify(name)}:${JSON.stringify(value)}`,
  );
  const lines: string[] = [];
  let line = `${indent}{`;
  for (const [index, member] of members.entries()) {
    const end = index === members.length - 1 ? '}' : ',';
    if (line.length + member.length + end.length > WIDTH && line.trim() !== '{') {
      lines.push(line);
      line = `${indent} `;
    }
    line += member + end;
  }
  return [...lines, line].join('\n');
}
