import { describe, expect, it } from 'vitest';
import { BlockRenderer, splitBlocks, renderMarkdown, sanitize } from './markdown';

function dom(html: string): HTMLElement {
  const div = document.createElement('div');
  div.innerHTML = html;
  return div;
}

const HANDLERS = '[onclick],[onerror],[onmouseover],[onload]';

describe('renderMarkdown', () => {
  it('escapes raw HTML and script tags', () => {
    const html = renderMarkdown('hi <script>alert(1)</script> <b onclick="x()">b</b>');
    expect(dom(html).querySelector('script,b')).toBeNull();
    expect(dom(html).querySelector(HANDLERS)).toBeNull();
    expect(html).toContain('&lt;script&gt;');
  });

  it('drops javascript: links but keeps http links', () => {
    const html = renderMarkdown('[bad](javascript:alert(1)) [good](https://example.com)');
    const links = [...dom(html).querySelectorAll('a')].map((a) => a.getAttribute('href'));
    expect(links).toEqual(['https://example.com']);
    const raw = sanitize('<a href="javascript:alert(1)">x</a><a href="JaVaScRiPt:y">y</a>');
    expect(dom(raw).querySelector('a[href]')).toBeNull();
  });

  it('strips event handlers, scripts and remote images from HTML', () => {
    const html = sanitize(
      '<p onmouseover="x()">a</p><script>alert(1)</script><img src="https://x/y.png" onerror="x()"><a href="javascript:x()">l</a>',
    );
    expect(html).not.toMatch(/onmouseover|onerror|<script|<img|javascript:/);
    expect(dom(html).querySelector(HANDLERS)).toBeNull();
    expect(html).toContain('<p>a</p>');
  });

  it('wraps code blocks with a copy button and escapes their content', () => {
    const html = renderMarkdown('```ts\nconst a = "<b>";\n```');
    expect(html).toContain('data-copy-code');
    expect(html).toContain('&lt;b&gt;');
    expect(html).toContain('class="code-lang">ts');
  });
});

describe('splitBlocks', () => {
  it('splits at blank lines but never inside a code fence', () => {
    const text = 'One\nstill one\n\n\nTwo\n\n```js\na();\n\nb();\n```\n\nThree';
    expect(splitBlocks(text)).toEqual([
      'One\nstill one',
      'Two',
      '```js\na();\n\nb();\n```',
      'Three',
    ]);
  });

  it('keeps an unclosed fence (still streaming) as one growing block', () => {
    expect(splitBlocks('Intro\n\n~~~\ncode\n\nmore')).toEqual(['Intro', '~~~\ncode\n\nmore']);
  });

  it('gives nothing for blank text', () => {
    expect(splitBlocks('\n\n  \n')).toEqual([]);
  });
});

describe('BlockRenderer', () => {
  it('renders each block sanitized and reuses finished blocks as the answer grows', () => {
    const renderer = new BlockRenderer();
    const first = renderer.render('**bold**\n\n<script>alert(1)</script> [x](javascript:alert(1))');
    expect(first).toHaveLength(2);
    expect(first[0]).toContain('<strong>bold</strong>');
    expect(dom(first[1] ?? '').querySelector('script, a[href^="javascript"]')).toBeNull();
    const next = renderer.render(
      '**bold**\n\n<script>alert(1)</script> [x](javascript:alert(1)) more',
    );
    expect(next[0]).toBe(first[0]);
    expect(next[1]).toContain('more');
  });
});

describe('code highlighting', () => {
  it('colours a known language with classes only, and escapes an unknown one', () => {
    const html = renderMarkdown('```rust\nfn main() { let x = "<b>"; }\n```');
    const code = dom(html).querySelector('pre code');
    expect(code?.querySelector('.hljs-keyword')?.textContent).toBe('fn');
    expect(code?.querySelector('.hljs-string')?.textContent).toBe('"<b>"');
    expect(code?.querySelector('b')).toBeNull();
    expect(code?.querySelector('[style]')).toBeNull();
    const plain = renderMarkdown('```nosuchlang\n<script>x()</script>\n```');
    expect(dom(plain).querySelector('script, pre span')).toBeNull();
    expect(dom(plain).querySelector('pre code')?.textContent).toContain('<script>x()</script>');
  });
});
