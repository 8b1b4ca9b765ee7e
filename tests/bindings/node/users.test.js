'use strict';
// Users (admin API) and sessions: login, resume, logout, revoke; rate limits.
// Members are made by invitation (see invitations.test.js).
const assert = require('node:assert/strict');
const { describe, it } = require('node:test');
const { erp, storeSuite, unique, member } = require('./support');

const PW = 'correct horse battery';

describe('users and sessions', () => {
  const env = storeSuite();

  it('runs the users admin API', () => {
    const { ctx } = env;
    const email = unique('ann') + '@example.com';
    const uid = member(env.store, ctx, email, PW, 'readwrite', 'Ann');
    const u = ctx.user(uid);
    assert.deepEqual([u.email, u.display_name, u.role, u.disabled], [email, 'Ann', 'readwrite', false]);
    assert.equal(ctx.createUser, undefined);
    assert.equal(ctx.addUser, undefined);
    ctx.setUserRole(uid, erp.ROLE_READONLY);
    assert.equal(ctx.user(uid).role, 'readonly');
    ctx.setUserDisabled(uid, true);
    assert.equal(ctx.user(uid).disabled, true);
    assert.ok(ctx.users().some((x) => x.id === uid));
    ctx.removeUser(uid);
    assert.throws(() => ctx.user(uid), erp.NotFoundError);
  });

  it('logs in, resumes, logs out, revokes', () => {
    const { store } = env;
    const email = unique('bob') + '@example.com';
    const { tenantId, userId } = store.createTenantWithAdmin(unique('Signup '), 'EUR', email, PW, 'Bob');
    const s = store.login(email, PW, tenantId, '10.0.0.1');
    assert.ok(s instanceof erp.Session && s instanceof erp.Context);
    assert.equal(s.token.length, 43);
    assert.deepEqual([s.tenantId, s.userId, s.role], [tenantId, userId, 'admin']);
    s.setSetting('a.b', 'c'); // a Session is a Context
    const token = s.token;
    s.close();
    const again = store.resume(token);
    assert.equal(again.setting('a.b'), 'c');
    assert.equal(again.sessions(userId).length, 1);
    again.changePassword(PW, PW + '!');
    again.logout();
    assert.ok(again.closed);
    assert.throws(() => store.resume(token), erp.AuthError);
    const s2 = store.login(email, PW + '!', tenantId);
    const s3 = store.login(email, PW + '!', tenantId);
    assert.equal(s2.revokeSessions(userId), 2);
    assert.throws(() => store.logout(s3.token), erp.AuthError);
    s2.close();
    s3.close();
  });

  it('rate-limits', () => {
    const key = unique('ip:');
    assert.equal(env.store.rateLimit(key, 1, 60000).allowed, true);
    const r = env.store.rateLimit(key, 1, 60000);
    assert.equal(r.allowed, false);
    assert.ok(r.retryAfterMs > 0);
    assert.equal(r.count, 2);
  });
});
