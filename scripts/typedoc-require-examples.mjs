// TypeDoc plugin for `pnpm docs` and `pnpm docs:check` (typedoc.json). TypeDoc's own
// `notDocumented` validation asks only for a description, while the project promises an
// `@example` on every public export (the style guide, after jose: "TSDoc with `@example` on
// every export") and a description on every package page. Each miss is a warning, which
// `treatWarningsAsErrors` turns into a failed run, so CI refuses an export without an example
// just as it refuses one without a description.
import { Application, ReflectionKind, ReflectionType } from 'typedoc';

/** What a package page lists: every kind of export, each of which must show its use. */
const EXPORTS =
  ReflectionKind.Function |
  ReflectionKind.Class |
  ReflectionKind.Interface |
  ReflectionKind.TypeAlias |
  ReflectionKind.Variable |
  ReflectionKind.Enum;

/** @param {import('typedoc').Comment | undefined} comment */
function hasExample(comment) {
  return comment?.blockTags.some((tag) => tag.tag === '@example') === true;
}

/**
 * Where the example may sit: on the declaration, or on one of its call signatures (a function's
 * comment belongs to its signature; `export const f = (…) => …` carries them in its type).
 *
 * @param {import('typedoc').DeclarationReflection} reflection
 */
function commentsOf(reflection) {
  const signatures =
    reflection.signatures ??
    (reflection.type instanceof ReflectionType ? reflection.type.declaration.signatures : []) ??
    [];
  return [reflection.comment, ...signatures.map((signature) => signature.comment)];
}

/** @param {import('typedoc').DeclarationReflection} reflection */
function where(reflection) {
  const source = reflection.sources?.[0];
  return source ? `${source.fileName}:${source.line}` : 'an unknown file';
}

/** @param {Application} app */
export function load(app) {
  app.on(Application.EVENT_VALIDATE_PROJECT, (project) => {
    for (const module of project.getReflectionsByKind(ReflectionKind.Module)) {
      if (!module.hasComment()) {
        app.logger.warn(
          `Package page ${module.name} has no description: add a /** … @module */ comment to its entry point`,
        );
      }
    }
    const exports = /** @type {import('typedoc').DeclarationReflection[]} */ (
      project.getReflectionsByKind(EXPORTS)
    );
    for (const reflection of exports) {
      // Only top-level exports of a package page (the project itself when there is a single
      // entry point); re-exports are References, not Declarations, and are not seen here.
      if (!reflection.parent?.kindOf(ReflectionKind.SomeModule | ReflectionKind.Project)) continue;
      if (commentsOf(reflection).some(hasExample)) continue;
      app.logger.warn(
        `${reflection.getFriendlyFullName()} (${ReflectionKind.singularString(reflection.kind)}), defined in ${where(reflection)}, has no @example`,
      );
    }
  });
}
