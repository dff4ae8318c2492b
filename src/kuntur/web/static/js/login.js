/* Login: posts the form as JSON; the server sets an HttpOnly session cookie. */
"use strict";
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
    // long) as the server says it, Spanish first.
    const error = document.getElementById("login-error");
    let text = error.dataset.default;
    if (r.status !== 401) {
      const detail = (await r.json().catch(() => ({}))).detail;
      if (typeof detail === "string") text = detail;
      else if (Array.isArray(detail) && detail.length) text = detail[0].msg;  // 422: too long
    }
    error.textContent = text;
    error.hidden = false;
    f.password.value = "";
  }
});
