/* Login: posts the form as JSON; the server sets an HttpOnly session cookie. */
"use strict";
/* The server's reasons come as "Spanish / English": the page's half. */
function half(text) {
  const halves = text.split(" / ");
  return halves.length === 2 ? halves[document.documentElement.lang === "en" ? 1 : 0] : text;
}
document.getElementById("login-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const body = { username: f.username.value, password: f.password.value, totp: f.totp.value || null };
  const r = await fetch("/api/auth/login", {
    method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body),
  });
  if (r.ok) {
    const next = document.getElementById("next").value;
    // Only local paths (the server checks too): browsers read "/\host" as "//host".
    const local = /^\/(?![\/\\])[^\\\x00-\x1f\x7f]*$/.test(next);
    location.assign(local ? next : "/");
  } else {
    // "Incorrect" in the page's language; anything else (locked, too many attempts, too
    // long) as the server says it, in the page's language.
    const error = document.getElementById("login-error");
    let text = error.dataset.default;
    const answer = await r.json().catch(() => ({}));
    const needsCode = answer.code === "second_factor_required";
    if (needsCode) text = error.dataset.totp;  // in the page's language
    else if (r.status !== 401) {
      const detail = answer.detail;
      if (typeof detail === "string") text = half(detail);
      else if (Array.isArray(detail) && detail.length) text = half(String(detail[0].msg));  // 422: too long
    }
    error.textContent = text;
    error.hidden = false;
    f.password.value = "";
    if (needsCode) f.totp.focus();
  }
});
