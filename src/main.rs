fn main() {
    fanout::start();
}
