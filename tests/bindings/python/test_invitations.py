"""Invitations: membership by consent. An admin invites an email; the person
accepts with a password (Store.accept_invitation, which creates their account
when they have none) or as a logged-in user (Context.accept_invitation)."""
import json
import re
import time
import unittest

import erp
from support import StoreTest, unique

PW = "correct horse battery"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
ONE_OFF = ("id", "email", "expires_at", "created_at", "updated_at")  # differ between any two


def email(prefix="inv"):
    return unique(prefix) + "@example.com"


def forged(token):
    """token with its first character changed (a well-formed token of nothing)."""
    return ("A" if token[0] != "A" else "B") + token[1:]


class InvitationTest(StoreTest):
    def elsewhere(self, address, password=PW):
        """An account for address, admin of a tenant of its own: (tenant_id, user_id)."""
        return self.store.create_tenant_with_admin(unique("Elsewhere "), "EUR", address, password, "Else")

    def assertAuth(self, field, fn, *args):
        with self.assertRaises(erp.AuthError) as cm:
            fn(*args)
        self.assertEqual((cm.exception.code, cm.exception.field), (-10, field))
        return cm.exception

    def test_invite_answers_the_same_whether_or_not_the_email_has_an_account(self):
        known, unknown = email("known"), email("unknown")
        self.elsewhere(known)
        members = self.ctx.users()
        a = self.ctx.invite(known, "readwrite")
        b = self.ctx.invite(unknown, "readwrite")
        for inv in (a, b):
            self.assertEqual(set(inv), {"id", "token"})
            self.assertRegex(inv["token"], TOKEN)
            self.assertRegex(inv["id"], UUID)
        ia, ib = self.ctx.invitation(a["id"]), self.ctx.invitation(b["id"])
        self.assertEqual(set(ia), set(ib))
        self.assertEqual((ia["email"], ib["email"]), (known, unknown))
        strip = lambda i: {k: v for k, v in i.items() if k not in ONE_OFF}  # noqa: E731
        self.assertEqual(strip(ia), strip(ib))
        self.assertEqual(strip(ia), {"role": "readwrite", "status": "pending", "invited_by": "tester",
                                     "version": 1})
        # Listed alike, newest first; nobody became a member.
        self.assertEqual([i["id"] for i in self.ctx.invitations()], [b["id"], a["id"]])
        self.assertEqual(self.ctx.users(), members)
        # A second invitation to either is refused alike.
        for address in (known, unknown):
            with self.assertRaises(erp.ExistsError) as cm:
                self.ctx.invite(address)
            self.assertEqual(cm.exception.field, "email")

    def test_a_tenant_does_not_see_the_account_before_acceptance(self):
        address = email("ann")
        home, uid = self.elsewhere(address)
        inv = self.ctx.invite(address, "readonly")
        self.assertNotIn(uid, [u["id"] for u in self.ctx.users()])
        self.assertNotIn(address, [u["email"] for u in self.ctx.users()])
        with self.assertRaises(erp.NotFoundError):
            self.ctx.user(uid)
        seen = json.dumps([self.ctx.invitation(inv["id"]), self.ctx.invitations(), self.ctx.audit()])
        self.assertNotIn(uid, seen)
        self.assertNotIn("Else", seen)  # the account's display name
        # Once accepted, the member is listed like any other.
        self.assertEqual(self.store.accept_invitation(inv["token"], PW), (self.tenant, uid))
        u = self.ctx.user(uid)
        self.assertEqual((u["email"], u["role"]), (address, "readonly"))
        self.assertEqual(u["display_name"], "Else")  # the existing account's, not a new one
        # Its home tenant is untouched.
        with self.store.context(home, uid, "admin") as h:
            self.assertEqual(h.user(uid)["role"], "admin")

    def test_accept_by_password_creates_the_user_who_can_log_in(self):
        address = email("new")
        inv = self.ctx.invite(address, "readonly", ttl_seconds=3600)
        tenant, uid = self.store.accept_invitation(inv["token"], PW, "Newcomer")
        self.assertEqual(tenant, self.tenant)
        self.assertRegex(uid, UUID)
        u = self.ctx.user(uid)
        self.assertEqual((u["email"], u["display_name"], u["role"], u["disabled"]),
                         (address, "Newcomer", "readonly", False))
        self.assertEqual(self.ctx.invitation(inv["id"])["status"], "accepted")
        with self.store.login(address, PW, tenant) as s:
            self.assertEqual((s.tenant_id, s.user_id, s.role), (tenant, uid, "readonly"))
        self.assertAuth(None, self.store.login, address, PW + "!", tenant)
        entities = [(e["entity"], e["action"]) for e in self.ctx.audit()]
        self.assertIn(("auth.invitation", "create"), entities)
        self.assertIn(("auth.invitation", "update"), entities)

    def test_accept_by_password_of_an_existing_account(self):
        address = email("old")
        _, uid = self.elsewhere(address)
        inv = self.ctx.invite(address, "admin")
        self.assertAuth("password", self.store.accept_invitation, inv["token"], PW + "!")
        self.assertEqual(self.ctx.invitation(inv["id"])["status"], "pending")  # nothing written
        self.assertEqual(self.store.accept_invitation(inv["token"], PW, "Ignored"), (self.tenant, uid))
        with self.store.login(address, PW, self.tenant) as s:
            self.assertEqual((s.user_id, s.role), (uid, "admin"))

    def test_accept_as_a_logged_in_user_of_another_tenant(self):
        address = email("bob")
        home, uid = self.elsewhere(address)
        inv = self.ctx.invite(address, "readwrite")
        with self.store.login(address, PW, home) as s:
            self.assertEqual(s.accept_invitation(inv["token"]), self.tenant)
            # Spent: a second acceptance is refused, as is any reuse.
            self.assertAuth("token", s.accept_invitation, inv["token"])
        self.assertAuth("token", self.store.accept_invitation, inv["token"], PW)
        self.assertEqual(self.ctx.invitation(inv["id"])["status"], "accepted")
        self.assertEqual(self.ctx.user(uid)["role"], "readwrite")
        with self.store.login(address, PW, self.tenant) as s:
            self.assertEqual((s.tenant_id, s.user_id, s.role), (self.tenant, uid, "readwrite"))
        # Inviting a member now is refused.
        with self.assertRaises(erp.ExistsError) as cm:
            self.ctx.invite(address)
        self.assertEqual(cm.exception.field, "email")

    def test_another_users_session_cannot_accept(self):
        invited, other = email("carol"), email("mallory")
        self.elsewhere(invited)
        home, _ = self.elsewhere(other)
        inv = self.ctx.invite(invited)
        with self.store.login(other, PW, home) as s:
            self.assertAuth("token", s.accept_invitation, inv["token"])
        # A context whose user is not an account cannot either.
        self.assertAuth("token", self.ctx.accept_invitation, inv["token"])
        self.assertEqual(self.ctx.invitation(inv["id"])["status"], "pending")

    def test_used_revoked_expired_and_forged_tokens_are_refused(self):
        used = self.ctx.invite(email("used"))
        self.store.accept_invitation(used["token"], PW)
        revoked = self.ctx.invite(email("revoked"))
        self.ctx.revoke_invitation(revoked["id"])
        expiring = self.ctx.invite(email("expiring"), ttl_seconds=1)
        pending = self.ctx.invite(email("pending"))
        time.sleep(1.2)
        self.assertEqual(self.ctx.invitation(expiring["id"])["status"], "expired")
        messages = set()
        for token in (used["token"], revoked["token"], expiring["token"], forged(pending["token"]),
                      "x" * 43, "short", ""):
            e = self.assertAuth("token", self.store.accept_invitation, token, PW)
            self.assertEqual(e.name, "ERP_EAUTH")
            messages.add(str(e))
        self.assertEqual(len(messages), 1)  # whichever it is, the error is the same
        # Nothing was written: the pending one still works.
        self.assertEqual(self.store.accept_invitation(pending["token"], PW)[0], self.tenant)

    def test_revoke(self):
        address = email("dan")
        inv = self.ctx.invite(address)
        with self.assertRaises(erp.ExistsError):
            self.ctx.invite(address)  # pending already: revoke it first
        self.ctx.revoke_invitation(inv["id"])
        i = self.ctx.invitation(inv["id"])
        self.assertEqual((i["status"], i["version"]), ("revoked", 2))
        with self.assertRaises(erp.ConflictError) as cm:
            self.ctx.revoke_invitation(inv["id"])
        self.assertEqual(cm.exception.field, "invitation_id")
        again = self.ctx.invite(address)  # may be invited anew
        self.assertNotEqual(again["token"], inv["token"])
        self.assertAuth("token", self.store.accept_invitation, inv["token"], PW)
        self.store.accept_invitation(again["token"], PW)
        with self.assertRaises(erp.ConflictError):
            self.ctx.revoke_invitation(again["id"])  # accepted: no longer pending
        with self.assertRaises(erp.NotFoundError):
            self.ctx.revoke_invitation("01890a5d-ac96-774b-bcce-b302099a8057")
        with self.assertRaises(erp.InvalidError) as cm:
            self.ctx.revoke_invitation("not an id")
        self.assertEqual(cm.exception.field, "invitation_id")

    def test_another_tenant_cannot_see_or_revoke_an_invitation(self):
        inv = self.ctx.invite(email("eve"))
        other = self.store.create_tenant(unique("Other "), "EUR")
        with self.store.context(other, "admin2", "admin") as o:
            self.assertEqual(o.invitations(), [])
            with self.assertRaises(erp.NotFoundError):
                o.invitation(inv["id"])
            with self.assertRaises(erp.NotFoundError):
                o.revoke_invitation(inv["id"])
        self.assertEqual(self.ctx.invitation(inv["id"])["status"], "pending")

    def test_only_admins_invite_and_arguments_are_checked(self):
        with self.store.context(self.tenant, "writer", "readwrite") as rw:
            for fn, args in ((rw.invite, (email(),)), (rw.invitations, ()),
                             (rw.invitation, ("01890a5d-ac96-774b-bcce-b302099a8057",)),
                             (rw.revoke_invitation, ("01890a5d-ac96-774b-bcce-b302099a8057",))):
                with self.assertRaises(erp.PermissionDeniedError):
                    fn(*args)
        for args, field in (((email(), "readwrite", -1), "ttl_seconds"),
                            ((email(), "readwrite", 30 * 24 * 3600 + 1), "ttl_seconds"),
                            (("not an address",), "email"), ((email(), "owner"), "role"),
                            ((email(), 7), "role")):
            with self.assertRaises(erp.InvalidError) as cm:
                self.ctx.invite(*args)
            self.assertEqual(cm.exception.field, field)
        self.assertEqual(self.ctx.invitations(), [])
        address = email()
        inv = self.ctx.invite(address.upper(), erp.ROLE_ADMIN, 30 * 24 * 3600)
        i = self.ctx.invitation(inv["id"])
        self.assertEqual((i["email"], i["role"]), (address, "admin"))  # stored lower-cased
        with self.assertRaises(erp.InvalidError) as cm:
            self.store.accept_invitation(inv["token"], "short")  # a new account's password is checked
        self.assertEqual(cm.exception.field, "password")
        self.assertEqual(self.ctx.invitation(inv["id"])["status"], "pending")


if __name__ == "__main__":
    unittest.main()
