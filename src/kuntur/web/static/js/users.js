/* The administrator's screen: accounts, roles, second factors. Giving access asks for the
   administrator's password and a new code (the server checks; a token cannot). */
"use strict";
const USERS = JSON.parse(document.getElementById("users-config").textContent);
const say = (text) => { document.getElementById("users-message").textContent = text; };
const el = (tag, text) => { const e = document.createElement(tag); if (text !== undefined) e.textContent = text; return e; };
const roleName = (code) => T[`role_${code}`] || code;
const clearanceName = (level) => (USERS.clearances.find(([l]) => l === level) || [level, String(level)])[1];

function stepUp() {
  const form = document.getElementById("new-user");
  return { password: form.password.value, totp: form.totp.value || null };
}

function showEnrolment(answer) {
  const box = document.getElementById("enrolment");
  box.hidden = !answer.totp_secret;
  if (answer.totp_secret) {
    box.textContent = `${T.enrol.replace("{user}", answer.username)}\n${answer.totp_secret}\n${answer.totp_uri}`;
  }
}

function row(u) {
  const tr = el("tr");
  tr.dataset.user = u.username;
  const roles = el("td");
  for (const code of u.roles) {
    const tag = el("span", roleName(code)); tag.className = "role";
    const drop = el("button", T.remove_role); drop.type = "button"; drop.className = "small";
    drop.addEventListener("click", async () => {
      try { await sendJSON("DELETE", `/api/users/${encodeURIComponent(u.username)}/roles/${code}`); say(T.done); load(); }
      catch (e) { say(e.message); }
    });
    roles.append(tag, drop, " ");
  }
  const add = el("select"); add.append(el("option", T.add_role));
  for (const code of USERS.roles.filter((c) => !u.roles.includes(c))) {
    const o = el("option", roleName(code)); o.value = code; add.append(o);
  }
  add.addEventListener("change", async () => {
    if (!add.value) return;
    try {
      showEnrolment(await postJSON(`/api/users/${encodeURIComponent(u.username)}/roles`, { role: add.value, ...stepUp() }));
      say(T.done); load();
    } catch (e) { say(e.message); add.selectedIndex = 0; }
  });
  roles.append(add);
  const state = el("td", u.disabled ? T.account_disabled : T.account_active);
  const act = el("td");
  if (!u.disabled) {
    const off = el("button", T.disable_user); off.type = "button";
    off.addEventListener("click", async () => {
      if (!confirm(T.confirm_disable.replace("{user}", u.username))) return;
      try { await postJSON(`/api/users/${encodeURIComponent(u.username)}/disable`); say(T.done); load(); }
      catch (e) { say(e.message); }
    });
    act.append(off);
  }
  tr.append(el("td", u.username), el("td", u.display_name), el("td", u.agency), roles,
    el("td", clearanceName(u.clearance)), el("td", u.second_factor ? T.yes : T.no),
    el("td", u.last_seen_at ? limaTime(u.last_seen_at) : T.never), state, act);
  return tr;
}

async function load() {
  try { document.getElementById("users-body").replaceChildren(...(await getJSON("/api/users")).map(row)); }
  catch (e) { say(e.message); }
}

document.getElementById("new-user").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  const f = ev.target;
  const body = {
    username: f.username.value, display_name: f.display_name.value, agency: f.agency.value,
    roles: [...f.querySelectorAll("input[name=roles]:checked")].map((c) => c.value),
    clearance: Number(f.clearance.value), initial_password: f.initial_password.value, ...stepUp(),
  };
  try { showEnrolment(await postJSON("/api/users", body)); say(T.done); f.reset(); load(); }
  catch (e) { say(e.message); }
});
load();
