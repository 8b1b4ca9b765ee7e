"""erp.Session: a Context made from a login (or a resumed token)."""

from .context import Context


class Session(Context):
    """A Context with the session's bearer .token.

    Closing it (or leaving `with`) frees the context only: the session
    lives on in storage, and Store.resume(token) turns the token back into
    a Session. logout() ends the session, then closes the context.
    """

    def __init__(self, store, handle, token):
        super().__init__(store, handle)
        self.token = token

    def logout(self):
        try:
            self.store.logout(self.token)
        finally:
            self.close()
