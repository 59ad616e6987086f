//! glibc's allocator, set for a long-running server on a small host, before any thread starts.
//!
//! By default glibc gives every thread that allocates its own arena (up to eight per core),
//! and each keeps what it freed. A million-row export passes its pages between the runtime's
//! threads, so each arena grew to its own high-water mark: the server peaked at 124 MB on a
//! 1M-row CSV with two arenas' worth of freed pages held. Two arenas bring it to 104 MB at
//! the same speed (BENCHMARKS.md).
//!
//! glibc also raises its mmap threshold to the size of any mmapped block freed, so after one
//! login's argon2 hash (19 MiB) every later block that size came from an arena and stayed
//! there. A fixed threshold keeps large blocks mapped and returned when freed.
//!
//! An operator's own `MALLOC_ARENA_MAX` or `MALLOC_MMAP_THRESHOLD_` wins.

const ARENAS: i32 = 2;
const MMAP_THRESHOLD: i32 = 256 * 1024;

#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn tune() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets allocator parameters; it is called before the runtime
        // starts any thread, and a refused setting (return 0) leaves glibc's default.
        unsafe { libc::mallopt(libc::M_ARENA_MAX, ARENAS) };
    }
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
        // SAFETY: as above.
        unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD) };
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune() {}
