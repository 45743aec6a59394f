/**
 * The connected components of the map's neighbour graph in words (issue 11, the app's part): each is laid
 * out on its own and packed side by side (docs/algorithm.md §2b), so distances between them mean nothing.
 */

/** "1 component" or "3 components: 9,800 / 150 / 49 cells" (the `shown` largest, then how many more). */
export function componentsText(sizes: readonly number[], shown = 6): string {
  if (sizes.length <= 1) return `1 component (${(sizes[0] ?? 0).toLocaleString('en-US')} cells, connected)`;
  const list = sizes.slice(0, shown).map((s) => s.toLocaleString('en-US')).join(' / ');
  const rest = sizes.length > shown ? ` / … (${sizes.length - shown} more, ${sizes.slice(shown).reduce((a, b) => a + b, 0).toLocaleString('en-US')} cells)` : '';
  return `${sizes.length} components: ${list}${rest} cells`;
}
