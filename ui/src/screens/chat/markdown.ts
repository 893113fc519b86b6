/**
 * Markdown for answers: markdown-it with raw HTML off, then DOMPurify over the result, so no
 * script, event handler, `javascript:` link or remote asset reaches the page. Code blocks get a
 * copy button (handled by `copyFromClick`, no inline handlers: the CSP forbids them) and syntax
 * colours from highlight.js (the languages answers use most; classes only, styled in app.css).
 */
import { t } from '../../lib/i18n/i18n.svelte';
import DOMPurify from 'dompurify';
import hljs from 'highlight.js/lib/core';
import bash from 'highlight.js/lib/languages/bash';
import c from 'highlight.js/lib/languages/c';
import cpp from 'highlight.js/lib/languages/cpp';
import css from 'highlight.js/lib/languages/css';
import diff from 'highlight.js/lib/languages/diff';
import go from 'highlight.js/lib/languages/go';
import java from 'highlight.js/lib/languages/java';
import javascript from 'highlight.js/lib/languages/javascript';
import json from 'highlight.js/lib/languages/json';
import markdown from 'highlight.js/lib/languages/markdown';
import python from 'highlight.js/lib/languages/python';
import rust from 'highlight.js/lib/languages/rust';
import sql from 'highlight.js/lib/languages/sql';
import typescript from 'highlight.js/lib/languages/typescript';
import xml from 'highlight.js/lib/languages/xml';
import yaml from 'highlight.js/lib/languages/yaml';
import MarkdownIt from 'markdown-it';

const LANGUAGES = {
  bash,
  c,
  cpp,
  css,
  diff,
  go,
  java,
  javascript,
  json,
  markdown,
  python,
  rust,
  sql,
  typescript,
  xml,
  yaml,
};
for (const [name, language] of Object.entries(LANGUAGES)) hljs.registerLanguage(name, language);

/** highlight.js's HTML for `code` in `lang`, or '' (markdown-it then escapes it plainly). */
function highlight(code: string, lang: string): string {
  const name = lang.trim().toLowerCase();
  if (!name || !hljs.getLanguage(name)) return '';
  try {
    return hljs.highlight(code, { language: name, ignoreIllegals: true }).value;
  } catch {
    return '';
  }
}

const md = new MarkdownIt({ html: false, linkify: true, breaks: false, highlight });

const fence = md.renderer.rules.fence;
md.renderer.rules.fence = (tokens, idx, options, env, self) => {
  const inner = fence
    ? fence(tokens, idx, options, env, self)
    : `<pre><code>${md.utils.escapeHtml(tokens[idx]?.content ?? '')}</code></pre>`;
  const lang = md.utils.escapeHtml((tokens[idx]?.info ?? '').trim().split(/\s+/)[0] ?? '');
  return (
    `<div class="code-block"><div class="code-bar"><span class="code-lang">${lang}</span>` +
    `<button type="button" class="code-copy" data-copy-code>${t('chat.copy')}</button></div>${inner}</div>`
  );
};

const PURIFY = {
  // No images or media: they would be remote assets.
  FORBID_TAGS: ['img', 'style', 'iframe', 'form', 'input', 'video', 'audio', 'source', 'svg'],
  FORBID_ATTR: ['style', 'src', 'srcset'],
  ALLOWED_URI_REGEXP: /^(?:https?:|mailto:|#)/i,
};

/** Markdown → sanitized HTML. */
export function renderMarkdown(text: string): string {
  return DOMPurify.sanitize(md.render(text), PURIFY);
}

/**
 * Splits markdown at blank lines outside code fences. While an answer streams, each block is
 * rendered on its own and only the last one changes, so a frame costs one block's render and
 * layout instead of the whole answer's (which grows with every token). The finished answer is
 * rendered whole, so constructs that span blocks (loose lists, reference links) come out right.
 */
export function splitBlocks(text: string): string[] {
  const blocks: string[] = [];
  let current: string[] = [];
  let fence: string | null = null;
  for (const line of text.split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (marker) {
      if (fence === null) fence = marker;
      else if (marker[0] === fence[0] && marker.length >= fence.length) fence = null;
    }
    if (fence === null && line.trim() === '' && current.length > 0) {
      blocks.push(current.join('\n'));
      current = [];
    } else if (line.trim() !== '' || current.length > 0) {
      current.push(line);
    }
  }
  if (current.length > 0) blocks.push(current.join('\n'));
  return blocks;
}

/**
 * Renders a streaming answer's blocks, reusing the HTML of blocks rendered before (a finished
 * block never changes while the answer grows). One renderer per message.
 */
export class BlockRenderer {
  #cache = new Map<string, string>();

  render(text: string): string[] {
    const blocks = splitBlocks(text);
    const next = new Map<string, string>();
    const html = blocks.map((block) => {
      const done = this.#cache.get(block) ?? renderMarkdown(block);
      next.set(block, done);
      return done;
    });
    this.#cache = next;
    return html;
  }
}

/** Sanitizes HTML from anywhere (what `renderMarkdown` applies after rendering). */
export function sanitize(html: string): string {
  return DOMPurify.sanitize(html, PURIFY);
}

/**
 * For a click inside rendered markdown: copies a code block when its Copy button was hit, and
 * keeps links from navigating the app window. Returns the copied text, if any.
 */
export async function copyFromClick(event: MouseEvent): Promise<string | undefined> {
  const target = event.target instanceof Element ? event.target : null;
  if (target?.closest('a')) {
    event.preventDefault();
    return undefined;
  }
  const button = target?.closest<HTMLButtonElement>('[data-copy-code]');
  const code = button?.closest('.code-block')?.querySelector('code')?.textContent;
  if (!button || code == null) return undefined;
  try {
    await navigator.clipboard.writeText(code);
    button.textContent = t('chat.copied');
  } catch {
    button.textContent = t('chat.copyFailed');
  }
  setTimeout(() => {
    button.textContent = t('chat.copy');
  }, 1500);
  return code;
}
