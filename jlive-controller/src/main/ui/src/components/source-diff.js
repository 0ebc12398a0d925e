import { html } from '../html.js';

/** A unified diff, its added and removed lines coloured. */
export function DiffText({ text, id = 'diff' }) {
  return html`<pre class="diff" id=${id}>${text.split('\n').map((line) =>
    html`<span class=${line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : ''}>${line + '\n'}</span>`)}</pre>`;
}

/** The class a patch source declares: its package and file name, as javac requires. */
export function className(source) {
  const simple = source.name.substring(source.name.lastIndexOf('/') + 1).replace(/\.java$/, '');
  const pkg = /^\s*package\s+([\w.]+)\s*;/m.exec(source.code || '');
  return pkg ? pkg[1] + '.' + simple : simple;
}

/** The methods and constructors a source declares, as written (modifiers, return type, parameters). */
export function declaredMethods(code) {
  const declaration = /^[ \t]*((?:(?:public|protected|private|static|final|synchronized|native|abstract|default)\s+)*(?:<[^>]+>\s+)?[\w.<>[\], ?]*?\b\w+\s*\([^)]*\))\s*(?:throws\s+[\w., ]+)?\s*\{/gm;
  const found = [];
  for (const match of (code || '').matchAll(declaration)) {
    const text = match[1].replace(/\s+/g, ' ').trim();
    if (!/^(if|for|while|switch|catch|synchronized|return|new|else)\b/.test(text)) found.push(text);
  }
  return found;
}
