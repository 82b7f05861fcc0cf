/** The entry of the bundle the server serves at `/sdk.js` (snippet.ts, install.ts). */
import { installFromSnippet } from './install';

installFromSnippet();
