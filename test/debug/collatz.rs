// Collatz steps, with a struct and a slice (the Rust debugger test).
struct Stats {
    longest: u32,
    start: u64,
}

#[inline(never)]
fn steps(mut n: u64) -> u32 {
    let mut k = 0u32;
    while n != 1 {
        n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 }; // @step
        k += 1;
    }
    k
}

fn main() {
    let limit: u64 = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(30);
    let mut stats = Stats { longest: 0, start: 1 };
    for n in 1..=limit {
        let s = steps(n);
        if s > stats.longest {
            stats.longest = s; // @longer
            stats.start = n;
        }
    }
    println!("longest: {} steps from {}", stats.longest, stats.start);
}
