import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/**
 * Relative links in the project's markdown, checked the way GitHub renders them: a link names a
 * file or folder of the repository, and its `#fragment` a heading of that file. No markdown parser
 * is among the dependencies, so this reads the little markdown the docs use: fenced code blocks and
 * code spans hold no links, `[text](target)` is a link, and a heading's anchor is github-slugger's.
 */

/** The text without its fenced code blocks: no heading or link is in one. */
const withoutFences = (text: string): string => text.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');

/** The text without fenced code blocks and code spans: they contain no links. */
const withoutCode = (text: string): string => withoutFences(text).replace(/`[^`\n]*`/g, '');

/** Inline links' targets, in order; external ones (a scheme such as https: or mailto:) are left out. */
export function relativeLinks(text: string): string[] {
  const targets = [...withoutCode(text).matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)];
  return targets.map((match) => match[1] as string).filter((target) => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** GitHub's anchor for a heading's text (github-slugger): lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  const rendered = heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // a link shows its text
    .replace(/[`*]/g, '');
  return rendered
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** Every anchor a markdown file offers: its headings' slugs (repeats numbered as GitHub does) and HTML ids. */
export function anchors(text: string): Set<string> {
  const found = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, heading] of withoutFences(text).matchAll(/^#{1,6}[ \t]+(.+?)[ \t#]*$/gm)) {
    const base = slug(heading as string);
    const count = seen.get(base) ?? 0;
    seen.set(base, count + 1);
    found.add(count === 0 ? base : `${base}-${count}`);
  }
  for (const [, id] of text.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) found.add(id as string);
  return found;
}

/** What is wrong with each relative link of the markdown file `file` (a path under `root`): none when all resolve. */
export function brokenLinks(root: string, file: string): string[] {
  const text = readFileSync(join(root, file), 'utf8');
  return relativeLinks(text).flatMap((link) => {
    const [path = '', fragment] = link.split('#');
    const target = path === '' ? join(root, file) : join(root, dirname(file), decodeURI(path));
    const name = relative(root, target);
    if (!existsSync(target)) return [`${file}: ${link}: no file ${name}`];
    if (fragment === undefined || statSync(target).isDirectory() || !target.endsWith('.md')) return [];
    return anchors(readFileSync(target, 'utf8')).has(fragment)
      ? []
      : [`${file}: ${link}: no heading #${fragment} in ${name}`];
  });
}
