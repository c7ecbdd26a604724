/**
 * Remembers a pure function's answers for the most recently used inputs, up to `limit` of them,
 * and none for inputs longer than `maxLength` (they would hold memory for little gain).
 * @example const html = memoByText(markdownToHtml, { limit: 500, maxLength: 20_000 });
 */
export function memoByText(
  compute: (text: string) => string,
  options: { limit: number; maxLength: number },
): (text: string) => string {
  // A Map keeps insertion order: the first key is the least recently used.
  const answers = new Map<string, string>();
  return (text) => {
    if (text.length > options.maxLength) return compute(text);
    const known = answers.get(text);
    if (known !== undefined) {
      answers.delete(text);
      answers.set(text, known);
      return known;
    }
    const answer = compute(text);
    answers.set(text, answer);
    if (answers.size > options.limit) answers.delete(answers.keys().next().value as string);
    return answer;
  };
}
