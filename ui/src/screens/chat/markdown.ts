/**
 * Markdown for answers: markdown-it with raw HTML off, then DOMPurify over the result, so no
 * script, event handler, `javascript:` link or remote asset reaches the page. Code blocks get a
 * copy button (handled by `copyFromClick`, no inline handlers: the CSP forbids them).
 */
import DOMPurify from 'dompurify';
import MarkdownIt from 'markdown-it';

const md = new MarkdownIt({ html: false, linkify: true, breaks: false });

const fence = md.renderer.rules.fence;
md.renderer.rules.fence = (tokens, idx, options, env, self) => {
  const inner = fence
    ? fence(tokens, idx, options, env, self)
    : `<pre><code>${md.utils.escapeHtml(tokens[idx]?.content ?? '')}</code></pre>`;
  const lang = md.utils.escapeHtml((tokens[idx]?.info ?? '').trim().split(/\s+/)[0] ?? '');
  return (
    `<div class="code-block"><div class="code-bar"><span class="code-lang">${lang}</span>` +
    `<button type="button" class="code-copy" data-copy-code>Copy</button></div>${inner}</div>`
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
    button.textContent = 'Copied';
  } catch {
    button.textContent = 'Copy failed';
  }
  setTimeout(() => {
    button.textContent = 'Copy';
  }, 1500);
  return code;
}
