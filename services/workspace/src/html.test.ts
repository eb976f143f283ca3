import { describe, expect, it } from 'vitest';
import { html } from './html.ts';

describe('html templates', () => {
  it('when a value holds markup, then it is escaped; nested templates are kept as markup', () => {
    const name = '<script>alert("x")</script> & \'co\'';
    expect(html`<p>${name}</p>${html`<b>${'ok'}</b>`}`.value).toBe(
      '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;co&#39;</p><b>ok</b>',
    );
  });
});
