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
    // Only local paths: never bounce a fresh session to another site.
    location.assign(next.startsWith("/") && !next.startsWith("//") ? next : "/mapa");
  } else {
    document.getElementById("login-error").hidden = false;
    f.password.value = "";
  }
});
