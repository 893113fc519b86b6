// @ts-check
/** @type {import('prettier').Config} */
export default {
  plugins: ['prettier-plugin-svelte'],
  singleQuote: true,
  printWidth: 100,
  overrides: [{ files: '*.svelte', options: { parser: 'svelte' } }],
};
