'use strict';
// Invitations: membership by consent. An admin invites an email; the person
// accepts with a password (store.acceptInvitation, which creates their account
// when they have none) or as a logged-in user (ctx.acceptInvitation).
const assert = require('node:assert/strict');
const { describe, it } = require('node:test');
const { erp, storeSuite, unique, sleep } = require('./support');

const PW = 'correct horse battery';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ONE_OFF = new Set(['id', 'email', 'expires_at', 'created_at', 'updated_at']); // differ between any two
const NO_SUCH_ID = '01890a5d-ac96-774b-bcce-b302099a8057';

const email = (prefix = 'inv') => unique(prefix) + '@example.com';
/** token with its first character changed (a well-formed token of nothing). */
const forged = (token) => (token[0] !== 'A' ? 'A' : 'B') + token.slice(1);
const strip = (inv) => Object.fromEntries(Object.entries(inv).filter(([k]) => !ONE_OFF.has(k)));

/** Asserts fn throws cls with .field; returns the error. */
function throwsErp(cls, field, fn) {
  let caught = null;
  assert.throws(fn, (e) => {
    caught = e;
    return e instanceof cls;
  });
  assert.equal(caught.code, cls.code);
  if (field !== undefined) assert.equal(caught.field, field);
  return caught;
}

describe('invitations', () => {
  const env = storeSuite();
  /** An account for address, admin of a tenant of its own: {tenantId, userId}. */
  const elsewhere = (address, password = PW) =>
    env.store.createTenantWithAdmin(unique('Elsewhere '), 'EUR', address, password, 'Else');

  it('answers the same whether or not the email has an account', () => {
    const { ctx } = env;
    const known = email('known');
    const unknown = email('unknown');
    elsewhere(known);
    const members = ctx.users();
    const a = ctx.invite(known, 'readwrite');
    const b = ctx.invite(unknown, 'readwrite');
    for (const inv of [a, b]) {
      assert.deepEqual(Object.keys(inv).sort(), ['id', 'token']);
      assert.match(inv.token, TOKEN);
      assert.match(inv.id, UUID);
    }
    const ia = ctx.invitation(a.id);
    const ib = ctx.invitation(b.id);
    assert.deepEqual(Object.keys(ia).sort(), Object.keys(ib).sort());
    assert.deepEqual([ia.email, ib.email], [known, unknown]);
    assert.deepEqual(strip(ia), strip(ib));
    assert.deepEqual(strip(ia), { role: 'readwrite', status: 'pending', invited_by: 'tester', version: 1 });
    // Listed alike, newest first; nobody became a member.
    assert.deepEqual(ctx.invitations().map((i) => i.id), [b.id, a.id]);
    assert.deepEqual(ctx.users(), members);
    // A second invitation to either is refused alike.
    for (const address of [known, unknown]) throwsErp(erp.ExistsError, 'email', () => ctx.invite(address));
  });

  it('does not show the account to a tenant before acceptance', () => {
    const { ctx, store } = env;
    const address = email('ann');
    const { tenantId: home, userId: uid } = elsewhere(address);
    const inv = ctx.invite(address, 'readonly');
    assert.ok(!ctx.users().some((u) => u.id === uid || u.email === address));
    throwsErp(erp.NotFoundError, undefined, () => ctx.user(uid));
    const seen = JSON.stringify([ctx.invitation(inv.id), ctx.invitations(), ctx.audit()]);
    assert.ok(!seen.includes(uid));
    assert.ok(!seen.includes('Else')); // the account's display name
    // Once accepted, the member is listed like any other.
    assert.deepEqual(store.acceptInvitation(inv.token, PW), { tenantId: env.tenant, userId: uid });
    const u = ctx.user(uid);
    assert.deepEqual([u.email, u.role, u.display_name], [address, 'readonly', 'Else']);
    // Its home tenant is untouched.
    const h = store.context(home, uid, 'admin');
    try {
      assert.equal(h.user(uid).role, 'admin');
    } finally {
      h.close();
    }
  });

  it('accepts by password, creating the user, who can then log in', () => {
    const { ctx, store } = env;
    const address = email('new');
    const inv = ctx.invite(address, 'readonly', 3600);
    const { tenantId, userId } = store.acceptInvitation(inv.token, PW, 'Newcomer');
    assert.equal(tenantId, env.tenant);
    assert.match(userId, UUID);
    const u = ctx.user(userId);
    assert.deepEqual([u.email, u.display_name, u.role, u.disabled], [address, 'Newcomer', 'readonly', false]);
    assert.equal(ctx.invitation(inv.id).status, 'accepted');
    const s = store.login(address, PW, tenantId);
    try {
      assert.deepEqual([s.tenantId, s.userId, s.role], [tenantId, userId, 'readonly']);
    } finally {
      s.close();
    }
    throwsErp(erp.AuthError, null, () => store.login(address, PW + '!', tenantId));
    const entries = ctx.audit().map((e) => `${e.entity} ${e.action}`);
    assert.ok(entries.includes('auth.invitation create'));
    assert.ok(entries.includes('auth.invitation update'));
  });

  it('accepts by the password of an existing account', () => {
    const { ctx, store } = env;
    const address = email('old');
    const { userId: uid } = elsewhere(address);
    const inv = ctx.invite(address, 'admin');
    throwsErp(erp.AuthError, 'password', () => store.acceptInvitation(inv.token, PW + '!'));
    assert.equal(ctx.invitation(inv.id).status, 'pending'); // nothing written
    assert.deepEqual(store.acceptInvitation(inv.token, PW, 'Ignored'), { tenantId: env.tenant, userId: uid });
    const s = store.login(address, PW, env.tenant);
    try {
      assert.deepEqual([s.userId, s.role], [uid, 'admin']);
    } finally {
      s.close();
    }
  });

  it('accepts as a logged-in user of another tenant', () => {
    const { ctx, store } = env;
    const address = email('bob');
    const { tenantId: home, userId: uid } = elsewhere(address);
    const inv = ctx.invite(address, 'readwrite');
    const s = store.login(address, PW, home);
    try {
      assert.equal(s.acceptInvitation(inv.token), env.tenant);
      // Spent: a second acceptance is refused, as is any reuse.
      throwsErp(erp.AuthError, 'token', () => s.acceptInvitation(inv.token));
    } finally {
      s.close();
    }
    throwsErp(erp.AuthError, 'token', () => store.acceptInvitation(inv.token, PW));
    assert.equal(ctx.invitation(inv.id).status, 'accepted');
    assert.equal(ctx.user(uid).role, 'readwrite');
    const s2 = store.login(address, PW, env.tenant);
    try {
      assert.deepEqual([s2.tenantId, s2.userId, s2.role], [env.tenant, uid, 'readwrite']);
    } finally {
      s2.close();
    }
    throwsErp(erp.ExistsError, 'email', () => ctx.invite(address)); // a member now
  });

  it("refuses another user's session", () => {
    const { ctx, store } = env;
    const invited = email('carol');
    const other = email('mallory');
    elsewhere(invited);
    const { tenantId: home } = elsewhere(other);
    const inv = ctx.invite(invited);
    const s = store.login(other, PW, home);
    try {
      throwsErp(erp.AuthError, 'token', () => s.acceptInvitation(inv.token));
    } finally {
      s.close();
    }
    // A context whose user is not an account cannot either.
    throwsErp(erp.AuthError, 'token', () => ctx.acceptInvitation(inv.token));
    assert.equal(ctx.invitation(inv.id).status, 'pending');
  });

  it('refuses used, revoked, expired and forged tokens alike', () => {
    const { ctx, store } = env;
    const used = ctx.invite(email('used'));
    store.acceptInvitation(used.token, PW);
    const revoked = ctx.invite(email('revoked'));
    ctx.revokeInvitation(revoked.id);
    const expiring = ctx.invite(email('expiring'), 'readwrite', 1n); // a BigInt is an integer too
    const pending = ctx.invite(email('pending'));
    sleep(1200);
    assert.equal(ctx.invitation(expiring.id).status, 'expired');
    const messages = new Set();
    for (const token of [used.token, revoked.token, expiring.token, forged(pending.token), 'x'.repeat(43),
      'short', '']) {
      const e = throwsErp(erp.AuthError, 'token', () => store.acceptInvitation(token, PW));
      assert.equal(e.codeName, 'ERP_EAUTH');
      messages.add(e.message);
    }
    assert.equal(messages.size, 1); // whichever it is, the error is the same
    // Nothing was written: the pending one still works.
    assert.equal(store.acceptInvitation(pending.token, PW).tenantId, env.tenant);
  });

  it('revokes', () => {
    const { ctx, store } = env;
    const address = email('dan');
    const inv = ctx.invite(address);
    throwsErp(erp.ExistsError, 'email', () => ctx.invite(address)); // pending already: revoke it first
    ctx.revokeInvitation(inv.id);
    const i = ctx.invitation(inv.id);
    assert.deepEqual([i.status, i.version], ['revoked', 2]);
    throwsErp(erp.ConflictError, 'invitation_id', () => ctx.revokeInvitation(inv.id));
    const again = ctx.invite(address); // may be invited anew
    assert.notEqual(again.token, inv.token);
    throwsErp(erp.AuthError, 'token', () => store.acceptInvitation(inv.token, PW));
    store.acceptInvitation(again.token, PW);
    throwsErp(erp.ConflictError, 'invitation_id', () => ctx.revokeInvitation(again.id)); // accepted
    throwsErp(erp.NotFoundError, 'invitation_id', () => ctx.revokeInvitation(NO_SUCH_ID));
    throwsErp(erp.InvalidError, 'invitation_id', () => ctx.revokeInvitation('not an id'));
  });

  it("hides a tenant's invitations from another tenant", () => {
    const { ctx, store } = env;
    const inv = ctx.invite(email('eve'));
    const o = store.context(store.createTenant(unique('Other '), 'EUR'), 'admin2', 'admin');
    try {
      assert.deepEqual(o.invitations(), []);
      throwsErp(erp.NotFoundError, undefined, () => o.invitation(inv.id));
      throwsErp(erp.NotFoundError, undefined, () => o.revokeInvitation(inv.id));
    } finally {
      o.close();
    }
    assert.equal(ctx.invitation(inv.id).status, 'pending');
  });

  it('lets only admins invite, and checks arguments', () => {
    const { ctx, store } = env;
    const rw = store.context(env.tenant, 'writer', 'readwrite');
    try {
      throwsErp(erp.PermissionDeniedError, undefined, () => rw.invite(email()));
      throwsErp(erp.PermissionDeniedError, undefined, () => rw.invitations());
      throwsErp(erp.PermissionDeniedError, undefined, () => rw.invitation(NO_SUCH_ID));
      throwsErp(erp.PermissionDeniedError, undefined, () => rw.revokeInvitation(NO_SUCH_ID));
    } finally {
      rw.close();
    }
    throwsErp(erp.InvalidError, 'ttl_seconds', () => ctx.invite(email(), 'readwrite', -1));
    throwsErp(erp.InvalidError, 'ttl_seconds', () => ctx.invite(email(), 'readwrite', 30 * 24 * 3600 + 1));
    throwsErp(erp.InvalidError, 'ttlSeconds', () => ctx.invite(email(), 'readwrite', 1.5));
    throwsErp(erp.InvalidError, 'email', () => ctx.invite('not an address'));
    throwsErp(erp.InvalidError, 'role', () => ctx.invite(email(), 'owner'));
    throwsErp(erp.InvalidError, 'role', () => ctx.invite(email(), 7));
    assert.deepEqual(ctx.invitations(), []);
    const address = email();
    const inv = ctx.invite(address.toUpperCase(), erp.ROLE_ADMIN, 30 * 24 * 3600);
    const i = ctx.invitation(inv.id);
    assert.deepEqual([i.email, i.role], [address, 'admin']); // stored lower-cased
    // A new account's password is checked.
    throwsErp(erp.InvalidError, 'password', () => store.acceptInvitation(inv.token, 'short'));
    assert.equal(ctx.invitation(inv.id).status, 'pending');
  });
});
