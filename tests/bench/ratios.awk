# Reads `round N` and `plain TAG CASE hops=H seconds=S ...` lines (sim/benches/workload) and
# prints, per case, the reference tag's hops per second and each other tag's beside it, with
# two ratios to the reference: of the best runs overall, and the median of the rounds' ratios
# (each round's runs were taken one right after the other, so a median of them shrugs off a
# round spoiled by the machine's other work).
#
#   awk -v tags="base new" -v labels="base|new" [-v rounds=0] -f tests/bench/ratios.awk
# tags: the reference first; labels: column headings, "|"-separated, in the same order;
# rounds=0 leaves out the median of the rounds (for rounds whose two sides are not close in time).
function median(a, n,    i, j, t) {
  for (i = 2; i <= n; i++) { t = a[i]; for (j = i - 1; j >= 1 && a[j] > t; j--) a[j + 1] = a[j]; a[j + 1] = t }
  return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
BEGIN { nt = split(tags, tag, " "); split(labels, label, "|"); r = 0; if (rounds == "") rounds = 1 }
$1 == "round" { r = $2 + 0; if (r > nr) nr = r; next }
$1 == "plain" {
  t = $2; c = $3
  split($4, h, "="); split($5, s, "=")
  if (!(c in seen)) { order[++n] = c; seen[c] = 1 }
  hops[t, c] = h[2]
  if (!((t, c) in best) || s[2] + 0 < best[t, c]) best[t, c] = s[2] + 0
  if (!((t, c, r) in rbest) || s[2] + 0 < rbest[t, c, r]) rbest[t, c, r] = s[2] + 0
}
END {
  ref = tag[1]
  line = sprintf("%-32s %12s", "case", label[1] " M/s")
  for (j = 2; j <= nt; j++) line = line sprintf(" %16s %8s", label[j] " M/s", "ratio") (rounds ? sprintf(" %10s", "(rounds)") : "")
  print line
  for (i = 1; i <= n; i++) {
    c = order[i]
    if (!((ref, c) in best)) continue
    rv = hops[ref, c] / best[ref, c]
    line = sprintf("%-32s %12.2f", c, rv / 1e6)
    for (j = 2; j <= nt; j++) {
      t = tag[j]
      if (!((t, c) in best)) { line = line sprintf(" %16s %8s", "-", "-") (rounds ? sprintf(" %10s", "-") : ""); continue }
      v = hops[t, c] / best[t, c]
      m = 0
      for (k = 0; k <= nr; k++)
        if (((t, c, k) in rbest) && ((ref, c, k) in rbest)) ratios[++m] = (hops[t, c] / rbest[t, c, k]) / (hops[ref, c] / rbest[ref, c, k])
      line = line sprintf(" %16.2f %8.3f", v / 1e6, v / rv) (rounds ? sprintf(" %10s", m ? sprintf("%.3f", median(ratios, m)) : "-") : "")
      if (hops[t, c] != hops[ref, c]) line = line sprintf(" (hops per run: %d, %d)", hops[ref, c], hops[t, c])
    }
    print line
  }
}
