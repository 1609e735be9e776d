/**
 * Copies `overrides` over `base`; an own property whose value is `undefined` deletes the key, so
 * a test can strip a default claim or header (`{ kid: undefined }`) without hand-signing.
 */
export function mergeDeleting(
  base: Record<string, unknown>,
  overrides: Record<string, unknown> | undefined,
): Record<string, unknown> {
  const merged: Record<string, unknown> = { ...base };
  if (overrides === undefined) return merged;
  for (const [name, value] of Object.entries(overrides)) {
    if (value === undefined) delete merged[name];
    else merged[name] = value;
  }
  return merged;
}
