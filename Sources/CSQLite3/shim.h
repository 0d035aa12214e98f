// The system's SQLite 3 (Debian's libsqlite3-dev), and the one macro Swift cannot import.
#include <sqlite3.h>

/// `SQLITE_TRANSIENT`: SQLite copies a bound value before the call returns.
static inline sqlite3_destructor_type csqlite3_transient(void) { return SQLITE_TRANSIENT; }
