# SPDX-License-Identifier: MIT
# Recomputes with R's strucchange, urca and stats the structural-break, correlation and Engle-Granger
# figures test_structural_breaks wrote for windows of the EIA data, and compares: statistics, RSS and the
# break-date interval quantiles to 1e-8 relative, p-values of exact distributions (F, t) to 1e-6, Hansen's
# and the CUSUM p-values (same approximations as strucchange) to 1e-6 where Hansen's surfaces apply
# (p >= 0.001), break indices and confint's rounded intervals exactly. Exit 77 (skip) without the packages
# or the data.
args <- commandArgs(trailingOnly = TRUE)
if (length(args) < 2) { cat("usage: check_monitoring_r.R figures.csv data_dir\n"); quit(status = 2) }
for (p in c("strucchange", "urca")) {
  if (!suppressWarnings(requireNamespace(p, quietly = TRUE))) {
    cat("skipped: R package", p, "not installed (apt-get install r-cran-strucchange r-cran-urca)\n")
    quit(status = 77)
  }
}
if (!file.exists(args[1])) { cat("skipped: no figures at", args[1], "(data absent?)\n"); quit(status = 77) }
suppressMessages({ library(strucchange); library(urca) })
ours <- read.csv(args[1], stringsAsFactors = FALSE)
if (nrow(ours) == 0) { cat("skipped: no figures (data absent)\n"); quit(status = 77) }
failures <- 0
# strucchange's confint.breakpointsfull returning its unrounded quantiles, its root finder made tight.
tight_confint <- local({
  b <- deparse(base::get("confint.breakpointsfull", envir = asNamespace("strucchange")))
  b <- sub("bp <- bp[-c(1, nbp + 2)]", "return(list(upper = upper, lower = lower))", b, fixed = TRUE)
  b <- gsub("uniroot(myfun,", "uniroot(myfun, tol = 1e-14,", b, fixed = TRUE)
  f <- eval(parse(text = b))
  environment(f) <- asNamespace("strucchange")
  f
})
# p-values also get an absolute 1e-12: R forms 1 - pchisq(...), which is 0 below about 1e-16.
compare <- function(label, metric, computed, expected, tolerance) {
  floor <- if (grepl("_p$", metric)) 1e-12 else 0
  ok <- if (is.na(expected)) is.na(computed) else abs(computed - expected) <= tolerance * abs(expected) + floor
  if (!isTRUE(ok)) {
    cat(sprintf("MISMATCH %s %s: hedgemetrics %.17g, R %.17g, tolerance %g\n", label, metric, computed, expected, tolerance))
    failures <<- failures + 1
  }
}
for (key in unique(paste(ours$file, ours$spot, ours$hedge, ours$start, ours$length))) {
  rows <- ours[paste(ours$file, ours$spot, ours$hedge, ours$start, ours$length) == key, ]
  get <- function(m) rows$value[rows$metric == m]
  data <- read.csv(file.path(args[2], rows$file[1]))
  start <- rows$start[1]; n <- rows$length[1]
  s <- data[[rows$spot[1]]][(start + 1):(start + n)]
  f <- data[[rows$hedge[1]]][(start + 1):(start + n)]
  label <- paste(basename(rows$file[1]), start, n)
  k <- 2
  rss <- function(i, j) sum(lm.fit(cbind(1, f[i:j]), s[i:j])$residuals^2)
  split <- n %/% 2
  u <- rss(1, split) + rss(split + 1, n)
  chow <- ((rss(1, n) - u) / k) / (u / (n - 2 * k))
  compare(label, "chow_F", get("chow_F"), chow, 1e-8)
  compare(label, "chow_p", get("chow_p"), pf(chow, k, n - 2 * k, lower.tail = FALSE), 1e-6)
  fs <- Fstats(s ~ f, from = 0.15)
  compare(label, "supF", get("supF"), max(fs$Fstats), 1e-8)
  compare(label, "supF_break", get("supF_break"), fs$breakpoint, 0)
  compare(label, "supF_p", get("supF_p"), sctest(fs, type = "supF")$p.value, 1e-6)
  compare(label, "aveF", get("aveF"), mean(fs$Fstats), 1e-8)
  # Hansen's cubic surfaces for ave-F and exp-F are fitted for p >= 0.001; beyond, strucchange lets the cubic
  # turn down (up to p = 1 for a huge statistic) and hedgemetrics holds it at its maximum: compared above.
  # Compared where the surface still decreases at the statistic (before the cubic's maximum).
  rising <- function(x, type) {
    pv <- base::get("pvalue.Fstats", envir = asNamespace("strucchange"))
    pv(x * 1.001, type = type, k = fs$nreg, lambda = fs$par) >= pv(x, type = type, k = fs$nreg, lambda = fs$par)
  }
  pave <- sctest(fs, type = "aveF")$p.value
  if (pave >= 0.001 && !rising(mean(fs$Fstats), "aveF")) compare(label, "aveF_p", get("aveF_p"), pave, 1e-6)
  compare(label, "expF", get("expF"), sctest(fs, type = "expF")$statistic, 1e-8)
  pexp <- sctest(fs, type = "expF")$p.value
  if (pexp >= 0.001 && !rising(sctest(fs, type = "expF")$statistic, "expF")) compare(label, "expF_p", get("expF_p"), pexp, 1e-6)
  ols <- sctest(efp(s ~ f, type = "OLS-CUSUM"))
  compare(label, "ols_cusum", get("ols_cusum"), ols$statistic, 1e-8)
  compare(label, "ols_cusum_p", get("ols_cusum_p"), ols$p.value, 1e-6)
  rec <- sctest(efp(s ~ f, type = "Rec-CUSUM"))
  compare(label, "rec_cusum", get("rec_cusum"), rec$statistic, 1e-8)
  compare(label, "rec_cusum_p", get("rec_cusum_p"), rec$p.value, 1e-6)
  bp <- breakpoints(s ~ f, h = 0.15, breaks = 3)
  for (m in 0:3) {
    name <- paste0("bp_rss_", m)
    if (any(rows$metric == name)) {
      b <- if (m == 0) NULL else breakpoints(bp, breaks = m)$breakpoints
      compare(label, name, get(name), if (m == 0) rss(1, n) else breakpoints(bp, breaks = m)$RSS, 1e-8)
      if (m > 0) for (j in 1:m) compare(label, paste0("bp_break_", m, "_", j), get(paste0("bp_break_", m, "_", j)), b[j], 0)
      if (m > 0) {
        # Bai (1997) intervals: strucchange's confint (its rounded interval, exactly) and the unrounded
        # quantiles from the same code with uniroot(tol = 1e-14) (confint's own tolerance is 1.2e-4), 1e-8.
        ci <- suppressWarnings(confint(bp, breaks = m)$confint)
        q <- suppressWarnings(tight_confint(bp, breaks = m))
        for (j in 1:m) {
          suffix <- paste0(m, "_", j)
          compare(label, paste0("bp_ci_lower_", suffix), get(paste0("bp_ci_lower_", suffix)), ci[j, 1], 0)
          compare(label, paste0("bp_ci_upper_", suffix), get(paste0("bp_ci_upper_", suffix)), ci[j, 3], 0)
          compare(label, paste0("bp_ci_qlow_", suffix), get(paste0("bp_ci_qlow_", suffix)), q$lower[j], 1e-8)
          compare(label, paste0("bp_ci_qhigh_", suffix), get(paste0("bp_ci_qhigh_", suffix)), q$upper[j], 1e-8)
        }
      }
    }
  }
  ct <- cor.test(diff(s), diff(f))
  compare(label, "cor_r", get("cor_r"), unname(ct$estimate), 1e-8)
  compare(label, "cor_lower", get("cor_lower"), ct$conf.int[1], 1e-8)
  compare(label, "cor_upper", get("cor_upper"), ct$conf.int[2], 1e-8)
  compare(label, "cor_p", get("cor_p"), ct$p.value, 1e-6)
  resid <- residuals(lm(s ~ f))
  compare(label, "eg_adf", get("eg_adf"), ur.df(resid, type = "none", lags = 2)@teststat[1], 1e-8)
}
cat(sprintf("check_monitoring_r: %d figures on %d windows, %d mismatches\n", nrow(ours),
            length(unique(ours$start)), failures))
quit(status = if (failures == 0) 0 else 1)
