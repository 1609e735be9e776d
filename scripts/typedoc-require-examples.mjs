// TypeDoc plugin for `pnpm docs` (typedoc.json): TypeDoc's own `notDocumented` validation asks
// only for a description, while the project promises an `@example` on every public function,
// factory and class (docs/STYLE: "TSDoc with `@example` on every export"), and a description on
// every package page. Each miss is a warning, which `treatWarningsAsErrors` turns into a failed
// run, so CI refuses an export without an example just as it refuses one without docs.
import { Application, ReflectionKind, ReflectionType } from 'typedoc';

/** Kinds whose reference entry must show how to call them. */
const CALLABLE = ReflectionKind.Function | ReflectionKind.Class;

/** @param {import('typedoc').Comment | undefined} comment */
function hasExample(comment) {
  return comment?.blockTags.some((tag) => tag.tag === '@example') === true;
}

/** @param {import('typedoc').DeclarationReflection} reflection */
function signaturesOf(reflection) {
  if (reflection.signatures) return reflection.signatures;
  // `export const authenticate = (…) => …` is a Variable whose type carries the signatures.
  if (reflection.type instanceof ReflectionType)
    return reflection.type.declaration.signatures ?? [];
  return [];
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
    const candidates = project.getReflectionsByKind(CALLABLE | ReflectionKind.Variable);
    for (const reflection of /** @type {import('typedoc').DeclarationReflection[]} */ (
      candidates
    )) {
      // Only top-level exports of a package page (the project itself when there is a single
      // entry point); re-exports are References, not Declarations, and are not seen here.
      if (!reflection.parent?.kindOf(ReflectionKind.SomeModule | ReflectionKind.Project)) continue;
      const signatures = signaturesOf(reflection);
      if (reflection.kindOf(ReflectionKind.Variable) && signatures.length === 0) continue;
      const documented =
        hasExample(reflection.comment) || signatures.some((sig) => hasExample(sig.comment));
      if (!documented) {
        app.logger.warn(
          `${reflection.getFriendlyFullName()} (${ReflectionKind.singularString(reflection.kind)}), defined in ${where(reflection)}, has no @example`,
        );
      }
    }
  });
}
