"""Users (admin API) and sessions: login, resume, logout, revoke.
Members are made by invitation (see test_invitations.py)."""
import unittest

import erp
from support import StoreTest, member, unique

PW = "correct horse battery"


class UserTest(StoreTest):
    def test_users_admin_api(self):
        email = unique("ann") + "@example.com"
        uid = member(self.store, self.ctx, email, PW, "readwrite", display_name="Ann")
        u = self.ctx.user(uid)
        self.assertEqual((u["email"], u["role"], u["disabled"]), (email, "readwrite", False))
        self.assertFalse(hasattr(self.ctx, "create_user") or hasattr(self.ctx, "add_user"))
        self.ctx.set_user_role(uid, erp.ROLE_READONLY)
        self.assertEqual(self.ctx.user(uid)["role"], "readonly")
        self.ctx.set_user_disabled(uid, True)
        self.assertTrue(self.ctx.user(uid)["disabled"])
        self.assertIn(uid, [x["id"] for x in self.ctx.users()])
        self.ctx.remove_user(uid)
        with self.assertRaises(erp.NotFoundError):
            self.ctx.user(uid)

    def test_sessions(self):
        email = unique("bob") + "@example.com"
        tenant, uid = self.store.create_tenant_with_admin(unique("Signup "), "EUR", email, PW, "Bob")
        with self.store.login(email, PW, tenant, client_key="10.0.0.1") as s:
            self.assertEqual(len(s.token), 43)
            self.assertEqual((s.tenant_id, s.user_id, s.role), (tenant, uid, "admin"))
            s.set_setting("a.b", "c")  # a Session is a Context
            token = s.token
        with self.store.resume(token) as again:
            self.assertEqual(again.setting("a.b"), "c")
            self.assertEqual(len(again.sessions(uid)), 1)
            again.change_password(PW, PW + "!")
            again.logout()
            self.assertTrue(again.closed)
        with self.assertRaises(erp.AuthError):
            self.store.resume(token)
        s2 = self.store.login(email, PW + "!", tenant)
        s3 = self.store.login(email, PW + "!", tenant)
        self.assertEqual(s2.revoke_sessions(uid), 2)
        with self.assertRaises(erp.AuthError):
            self.store.logout(s3.token)
        s2.close()
        s3.close()

    def test_rate_limit(self):
        key = unique("ip:")
        self.assertTrue(self.store.rate_limit(key, 1, 60000).allowed)
        r = self.store.rate_limit(key, 1, 60000)
        self.assertFalse(r.allowed)
        self.assertGreater(r.retry_after_ms, 0)


if __name__ == "__main__":
    unittest.main()
