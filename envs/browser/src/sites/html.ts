/** Escapes text for HTML content and attribute values. */
export function esc(value: unknown): string {
  return String(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

const STYLE = `body{font-family:"DejaVu Sans",sans-serif;margin:0;color:#222}header{background:#234;color:#fff;padding:8px 16px}
header a{color:#fff;margin-right:14px}main{padding:12px 16px;max-width:960px}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:4px 8px;text-align:left}label{display:block;margin-top:8px}
.error{color:#b00}.notice{color:#060}form.inline{display:inline}`;

/** A whole page: every site shares the same frame so pages read alike. */
export function page(title: string, site: string, nav: [string, string][], body: string, script = ''): string {
  const links = nav.map(([href, label]) => `<a href="${esc(href)}">${esc(label)}</a>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title><style>${STYLE}</style></head>
<body><header><strong>${esc(site)}</strong> <nav>${links}</nav></header><main><h1>${esc(title)}</h1>
${body}</main>${script ? `<script>${script}</script>` : ''}</body></html>`;
}

/** A form field with a visible label, so its accessible name is the label text. */
export function field(id: string, label: string, value = '', type = 'text', extra = ''): string {
  return `<label for="${esc(id)}">${esc(label)}</label><input id="${esc(id)}" name="${esc(id)}" type="${type}" value="${esc(value)}" ${extra}>`;
}

export function selectField(id: string, label: string, options: readonly (string | [string, string])[], selected = ''): string {
  const opts = options
    .map((o) => {
      const [value, text] = typeof o === 'string' ? [o, o] : o;
      return `<option value="${esc(value)}"${value === selected ? ' selected' : ''}>${esc(text)}</option>`;
    })
    .join('');
  return `<label for="${esc(id)}">${esc(label)}</label><select id="${esc(id)}" name="${esc(id)}">${opts}</select>`;
}

export function errors(list: readonly string[]): string {
  return list.length ? `<div class="error" role="alert">${list.map((e) => `<p>${esc(e)}</p>`).join('')}</div>` : '';
}

export function table(headers: readonly string[], rows: readonly string[][]): string {
  const head = headers.map((h) => `<th>${esc(h)}</th>`).join('');
  const body = rows.map((r) => `<tr>${r.map((c) => `<td>${c}</td>`).join('')}</tr>`).join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}
