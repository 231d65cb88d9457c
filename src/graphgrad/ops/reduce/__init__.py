"""Reductions, by kind; import a name from the module that defines it.

* ``core``: sum, nansum, mean, prod, logsumexp, cumsum, cumprod, all, any, and the helpers the
  others share (re-inserting reduced dims);
* ``select``: max, min, amax, amin, median, argmax, argmin;
* ``stats``: var, std, var_mean, std_mean and the norms (norm, vector_norm, matrix_norm);
* ``composite``: reductions made of others (count_nonzero, aminmax, dist, nanmean).
"""
