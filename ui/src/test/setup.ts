import '@testing-library/jest-dom/vitest';
import { setCatalog } from '../lib/catalog';
import { sampleCatalog } from './fixtures';

// The app loads the catalog before the first paint (main.ts); tests start with it loaded.
setCatalog(sampleCatalog());
