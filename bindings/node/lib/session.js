'use strict';
/* erp.Session: a Context made from a login (or a resumed token). */
const { Context } = require('./context');

/**
 * A Context with the session's bearer .token. Closing it frees the context
 * only: the session lives on in storage, and Store.resume(token) turns the
 * token back into a Session. logout() ends the session, then closes.
 */
class Session extends Context {
  constructor(store, handle, token) {
    super(store, handle);
    this.token = token;
  }

  logout() {
    try {
      this.store.logout(this.token);
    } finally {
      this.close();
    }
  }
}

module.exports = { Session };
