// Baseline: NestJS 12 (Express platform) answering GET /me with no authentication at all.
import { serveNest } from './nest-serve.mjs';

await serveNest({ me: () => ({ sub: 'anonymous' }) });
