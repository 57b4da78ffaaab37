// POSIX shell quoting for the commands the plan prints, so they can be pasted or run from the script as is.

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One shell word: left bare when safe, otherwise single-quoted (placeholders like <X> included). */
export function shellQuote(word: string): string {
  if (word !== '' && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function shellCommand(words: string[]): string {
  return words.map(shellQuote).join(' ');
}
