# SPDX-License-Identifier: MIT
# Cross-check of hedgemetrics::fit_garch against R's fGarch (Debian r-cran-fgarch): reads the returns and
# the fit test_garch_hedge wrote (garch_fgarch.csv), fits garchFit(~garch(1, 1), cond.dist = "norm") on the
# same returns, and compares the parameters (1e-4 relative), the log-likelihood (1e-6 relative) and the
# conditional variances (1e-4 relative: they inherit the parameters' differences).
# Exit 77 (CTest: skipped) when fGarch is not installed or the file is absent (no data).
args <- commandArgs(trailingOnly = TRUE)
if (length(args) != 1 || !file.exists(args[1])) {
  cat("skipped: no figures from test_garch_hedge (", args[1], "); is HEDGEMETRICS_DATA_DIR set?\n")
  quit(status = 77)
}
if (!suppressWarnings(suppressMessages(requireNamespace("fGarch", quietly = TRUE)))) {
  cat("skipped: R package fGarch not installed (Debian: apt-get install r-cran-fgarch)\n")
  quit(status = 77)
}
table <- read.csv(args[1], stringsAsFactors = FALSE)
value <- setNames(table$value, table$name)
x <- value[grepl("^x[0-9]+$", names(value))]
h <- value[grepl("^h[0-9]+$", names(value))]
fit <- suppressWarnings(fGarch::garchFit(~ garch(1, 1), data = as.numeric(x), cond.dist = "norm",
                                         include.mean = TRUE, trace = FALSE))
coefs <- fGarch::coef(fit)
# The Gaussian log-likelihood at fGarch's estimates, from its own residuals and conditional variances.
loglik <- sum(dnorm(fGarch::residuals(fit), sd = sqrt(fit@h.t), log = TRUE))
failures <- 0
check <- function(what, ours, theirs, tolerance) {
  error <- abs(ours - theirs) / abs(theirs)
  ok <- is.finite(error) && error <= tolerance
  cat(sprintf("%-8s hedgemetrics %.12g  fGarch %.12g  relative error %.3g  (allowed %g) %s\n", what, ours,
              theirs, error, tolerance, if (ok) "ok" else "FAIL"))
  if (!ok) failures <<- failures + 1
}
check("mu", value[["mu"]], coefs[["mu"]], 1e-4)
check("omega", value[["omega"]], coefs[["omega"]], 1e-4)
check("alpha", value[["alpha"]], coefs[["alpha1"]], 1e-4)
check("beta", value[["beta"]], coefs[["beta1"]], 1e-4)
check("loglik", value[["loglik"]], loglik, 1e-6)
check("-llh", value[["loglik"]], -fit@fit$llh, 1e-6)
worst <- max(abs(as.numeric(h) - fit@h.t) / fit@h.t)
cat(sprintf("conditional variances: %d, largest relative difference %.3g (allowed 1e-4)\n", length(h), worst))
if (!(worst <= 1e-4)) failures <- failures + 1
quit(status = if (failures == 0) 0 else 1)
