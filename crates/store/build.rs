// `sqlx::migrate!` embeds the migrations at compile time; without this a new migration file
// leaves the crate unbuilt and the binary without it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
