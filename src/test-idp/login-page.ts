/** Escapes text for HTML; the page shows tokens and what a person typed. */
function escape(value: string): string {
  return value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
label{display:block;margin:.6rem 0 .2rem}input,select{font:inherit;padding:.3rem;width:20rem}
button{font:inherit;margin-top:1rem;padding:.4rem 1rem}pre{background:#f4f4f4;padding:1rem;white-space:pre-wrap;word-break:break-all}`;

/** The login form: a person picks a pid, a level and a method. No external assets. */
export function loginForm(error?: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test ID-porten login</title><style>${STYLE}</style></head>
<body><h1>Test ID-porten</h1><p>A local stand-in for ID-porten. Never use it in production.</p>
${error ? `<p role="alert"><strong>${escape(error)}</strong></p>` : ''}
<form method="post" action="login">
<label for="pid">Person identifier (11 digits)</label><input id="pid" name="pid" value="19108000239" pattern="\\d{11}" required>
<label for="acr">Level</label><select id="acr" name="acr"><option>idporten-loa-substantial</option><option>idporten-loa-high</option><option>idporten-loa-low</option><option>Level3</option><option>Level4</option></select>
<label for="amr">Method</label><select id="amr" name="amr"><option>Minid-PIN</option><option>BankID</option><option>Buypass</option><option>Commfides</option></select>
<br><button type="submit">Log in</button></form></body></html>`;
}

/** The issued token, and one click to exchange it at the platform and see our token's claims. */
export function loginResult(token: string, exchangeUrl: string): string {
  const claims = JSON.stringify(JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')), null, 2);
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Logged in</title><style>${STYLE}</style></head>
<body><h1>ID-porten token</h1><pre id="token">${escape(token)}</pre><h2>Its claims</h2><pre>${escape(claims)}</pre>
<button id="exchange" type="button" data-exchange-url="${escape(exchangeUrl)}">Exchange for a platform token</button><h2>Platform token claims</h2><pre id="result">(not exchanged yet)</pre>
<script src="login.js"></script></body></html>`;
}

/** The page's script, served from our origin so the Content-Security-Policy needs no inline code. */
export const LOGIN_SCRIPT = `document.getElementById('exchange').addEventListener('click', async (event) => {
  const out = document.getElementById('result');
  const token = document.getElementById('token').textContent;
  const response = await fetch(event.target.dataset.exchangeUrl, { headers: { authorization: 'Bearer ' + token } });
  const text = await response.text();
  if (!response.ok) { out.textContent = response.status + ' ' + text; return; }
  const part = text.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  const json = new TextDecoder().decode(Uint8Array.from(atob(part), (c) => c.charCodeAt(0)));
  out.textContent = JSON.stringify(JSON.parse(json), null, 2);
});
`;
