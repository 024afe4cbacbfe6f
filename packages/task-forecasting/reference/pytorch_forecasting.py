#!/usr/bin/python3
"""PyTorch references for the forecasting examples (QUALITY.md "Forecasting"), on our exact splits.

Setup (Debian): apt-get install -y python3-torch libopenblas0-pthread   (PyTorch 1.13, numpy)
Run:  OMP_NUM_THREADS=1 nice -n 5 /usr/bin/python3 pytorch_forecasting.py EXPERIMENT [--seeds 0,1,2,3,4]
      EXPERIMENT: airline | airline-levels | airline-12 | airline-12-seasonal | airline-12-both
                  | temperatures | bitcoin
                  | bitcoin-first
Prints one JSON line per seed and a summary line (mean ± sample std over the seeds).

The protocol is the one `@recurrent/task-forecasting` implements (its README and RESULTS.md), so the
numbers can be put side by side with `recurrent eval`:
- split: test = the last `test` rows, scored with their true history (one forecast per origin t whose
  targets t..t+H-1 all lie in the test part); validation = the last `val` rows before the test part,
  scored the same way; training windows have every target before the validation part;
- differencing (lag 1 or season) of the target, then scaling fitted on the training rows only (after
  differencing); the model predicts scaled differences, restored with the actual values before t;
- windows: inputs = the `window` transformed rows before t, targets = rows t..t+H-1 (direct strategy);
- LSTM (PyTorch default init) -> last hidden state -> Linear(H); Adam, MSE on the scaled values,
  shuffled mini-batches, early stopping on validation RMSE in the data's units, best weights restored;
- baselines from the actual history: naive = y[t-1] for every step, seasonal naive = y[t+h-season].
"""
import argparse, csv, json, math, os, statistics, sys, time

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "1")))
HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "..", "..", "fixtures", "datasets")


def read_column(path, column):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    return np.array([float(r[column]) for r in rows], dtype=np.float64), [r[next(iter(r))] for r in rows]


def fraction(n, f):
    return int(round(n * f))


# name -> (file, column, window, horizon, lags, season, scaling, test rows, val rows, model, training)
def experiments():
    air = os.path.join(DATA, "timeseries-classic", "airline-passengers.csv")
    temp = os.path.join(DATA, "timeseries-classic", "daily-min-temperatures.csv")
    btc = os.path.join(DATA, "bitcoin-usd-daily", "BTC-USD.csv")
    air_model = dict(hidden=32, layers=1, dropout=0.0)
    air_training = dict(lr=0.001, batch=16, epochs=500, patience=50)
    n_temp, n_btc = 3650, 2723
    temp_test, btc_test = fraction(n_temp, 0.2), fraction(n_btc, 0.2)
    return {
        # The reference recipe: 12 months in, next month out, on month-to-month differences.
        "airline": dict(file=air, column="Passengers", window=12, horizon=1, lags=[1], season=12,
                        scaling="standard", test=48, val=12, model=air_model, training=air_training),
        # The same on levels (QUALITY.md: 48.1), to show what differencing buys.
        "airline-levels": dict(file=air, column="Passengers", window=12, horizon=1, lags=[], season=12,
                               scaling="standard", test=48, val=12, model=air_model, training=air_training),
        # 12 months at once (direct), first differences; 24 validation months give 13 full origins.
        "airline-12": dict(file=air, column="Passengers", window=12, horizon=12, lags=[1], season=12,
                           scaling="standard", test=48, val=24, model=air_model, training=air_training),
        "airline-12-seasonal": dict(file=air, column="Passengers", window=12, horizon=12, lags=[12],
                                    season=12, scaling="standard", test=48, val=24, model=air_model,
                                    training=air_training),
        "airline-12-both": dict(file=air, column="Passengers", window=12, horizon=12, lags=[1, 12],
                                season=12, scaling="standard", test=48, val=24, model=air_model,
                                training=air_training),
        # 30 days in, next day out, levels; the yearly cycle (every year has 365 rows) as the season.
        "temperatures": dict(file=temp, column="Temp", window=30, horizon=1, lags=[], season=365,
                             scaling="standard", test=temp_test, val=fraction(n_temp - temp_test, 0.1),
                             model=dict(hidden=32, layers=1, dropout=0.0),
                             training=dict(lr=0.001, batch=32, epochs=100, patience=10)),
        # The tutorial model: Close, min-max, 60 days in, two stacked LSTM(50) with dropout 0.2.
        "bitcoin": dict(file=btc, column="Close", window=60, horizon=1, lags=[], season=None,
                        scaling="minmax", test=btc_test, val=fraction(n_btc - btc_test, 0.1),
                        model=dict(hidden=50, layers=2, dropout=0.2),
                        training=dict(lr=0.001, batch=32, epochs=50, patience=10)),
        # The same on day-to-day differences.
        "bitcoin-first": dict(file=btc, column="Close", window=60, horizon=1, lags=[1], season=None,
                              scaling="standard", test=btc_test, val=fraction(n_btc - btc_test, 0.1),
                              model=dict(hidden=50, layers=2, dropout=0.2),
                              training=dict(lr=0.001, batch=32, epochs=50, patience=10)),
    }


class Forecaster(nn.Module):
    def __init__(self, hidden, layers, dropout, outputs):
        super().__init__()
        self.rnn = nn.LSTM(1, hidden, num_layers=layers, dropout=dropout if layers > 1 else 0.0,
                           batch_first=True)
        self.head = nn.Linear(hidden, outputs)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y[:, -1, :])


def differenced(y, lags):
    """z[i] = y differenced by each lag in turn; NaN for the first sum(lags) rows."""
    z = y.copy()
    for lag in lags:
        d = np.full_like(z, np.nan)
        d[lag:] = z[lag:] - z[:-lag]
        z = d
    return z


def restore(pred_diff, y, t, lags):
    """Undo the differencing of predictions for steps t, t+1, ... with the actual y before t."""
    if not lags:
        return pred_diff.copy()
    H = len(pred_diff)
    # Differences of the known part at each level, needed to undo nested differencing.
    levels = [np.array(y[:t], dtype=np.float64)]
    for lag in lags[:-1]:
        prev = levels[-1]
        d = np.full_like(prev, np.nan)
        d[lag:] = prev[lag:] - prev[:-lag]
        levels.append(d)
    cur = list(pred_diff)
    # Undo the last lag first, down to the level series.
    for depth in range(len(lags) - 1, -1, -1):
        lag, base = lags[depth], list(levels[depth])
        for h in range(H):
            base.append(cur[h] + base[t + h - lag])
        cur = base[t:]
    return np.array(cur[:H])


def windows(z, origins, window, horizon):
    x = np.stack([z[t - window:t] for t in origins])[:, :, None]
    y = np.stack([z[t:t + horizon] for t in origins])
    return torch.tensor(x, dtype=torch.float32), torch.tensor(y, dtype=torch.float32)


def scores(pred, actual):
    err = pred - actual
    return dict(rmse=float(np.sqrt(np.mean(err ** 2))), mae=float(np.mean(np.abs(err))))


def run(cfg, seed):
    y, dates = read_column(cfg["file"], cfg["column"])
    n, W, H, lags = len(y), cfg["window"], cfg["horizon"], cfg["lags"]
    L = sum(lags)
    test_from, val_from = n - cfg["test"], n - cfg["test"] - cfg["val"]
    z = differenced(y, lags)
    fit = z[L:val_from]  # training rows only, after differencing
    if cfg["scaling"] == "standard":
        shift, scale = fit.mean(), fit.std()  # population std, as the package's scaler
    elif cfg["scaling"] == "minmax":
        shift, scale = fit.min(), fit.max() - fit.min()
    else:
        shift, scale = 0.0, 1.0
    s = (z - shift) / scale
    start = W + L

    def origins(lo, hi):  # targets in [lo, hi)
        return [t for t in range(max(lo, start), hi - H + 1)]

    train_o, val_o, test_o = origins(0, val_from), origins(val_from, test_from), origins(test_from, n)
    xtr, ytr = windows(s, train_o, W, H)
    xva, _ = windows(s, val_o, W, H)
    xte, _ = windows(s, test_o, W, H)

    def forecast(model, x, os_):
        model.eval()
        with torch.no_grad():
            p = model(x).numpy().astype(np.float64) * scale + shift
        return np.stack([restore(p[i], y, t, lags) for i, t in enumerate(os_)])

    def actual(os_):
        return np.stack([y[t:t + H] for t in os_])

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    m, tr = cfg["model"], cfg["training"]
    model = Forecaster(m["hidden"], m["layers"], m["dropout"], H)
    opt = torch.optim.Adam(model.parameters(), lr=tr["lr"])
    best, best_state, best_epoch, bad = math.inf, None, 0, 0
    began = time.perf_counter()
    epochs = 0
    for epoch in range(tr["epochs"]):
        model.train()
        order = torch.randperm(len(train_o), generator=gen)
        for b in range(0, len(order), tr["batch"]):
            idx = order[b:b + tr["batch"]]
            opt.zero_grad()
            loss = nn.functional.mse_loss(model(xtr[idx]), ytr[idx])
            loss.backward()
            opt.step()
        epochs += 1
        val_rmse = scores(forecast(model, xva, val_o), actual(val_o))["rmse"]
        if val_rmse < best:
            best, best_epoch, bad = val_rmse, epoch + 1, 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            bad += 1
            if bad >= tr["patience"]:
                break
    seconds = time.perf_counter() - began
    model.load_state_dict(best_state)
    pred, act = forecast(model, xte, test_o), actual(test_o)
    naive = np.stack([np.full(H, y[t - 1]) for t in test_o])
    result = dict(seed=seed, seconds=round(seconds, 2), epochs=epochs, best_epoch=best_epoch,
                  val_rmse=round(best, 4), windows=dict(train=len(train_o), validation=len(val_o),
                                                        test=len(test_o)),
                  test_dates=[dates[test_from], dates[-1]],
                  model=scores(pred, act), naive=scores(naive, act))
    if cfg["season"]:
        S = cfg["season"]
        seasonal = np.stack([[y[t + h - S * math.ceil((h + 1) / S)] for h in range(H)] for t in test_o])
        result["seasonal_naive"] = scores(seasonal, act)
    if H > 1:
        result["steps"] = [dict(model=scores(pred[:, h], act[:, h])["rmse"],
                                naive=scores(naive[:, h], act[:, h])["rmse"],
                                **({"seasonal_naive": scores(seasonal[:, h], act[:, h])["rmse"]}
                                   if cfg["season"] else {}))
                           for h in range(H)]
    return result


def summary(results):
    def ms(values):
        mean = statistics.mean(values)
        sd = statistics.stdev(values) if len(values) > 1 else 0.0
        return [round(mean, 3), round(sd, 3)]

    out = dict(seeds=len(results), seconds=ms([r["seconds"] for r in results]),
               model_rmse=ms([r["model"]["rmse"] for r in results]),
               model_mae=ms([r["model"]["mae"] for r in results]),
               naive=results[0]["naive"])
    if "seasonal_naive" in results[0]:
        out["seasonal_naive"] = results[0]["seasonal_naive"]
    if "steps" in results[0]:
        out["steps_model_rmse"] = [round(statistics.mean(r["steps"][h]["model"] for r in results), 2)
                                   for h in range(len(results[0]["steps"]))]
        out["steps_seasonal_naive_rmse"] = [round(s.get("seasonal_naive", math.nan), 2)
                                            for s in results[0]["steps"]]
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("experiment", choices=sorted(experiments()))
    parser.add_argument("--seeds", default="0,1,2,3,4")
    args = parser.parse_args()
    cfg = experiments()[args.experiment]
    results = []
    for seed in (int(s) for s in args.seeds.split(",")):
        r = run(cfg, seed)
        results.append(r)
        print(json.dumps(dict(experiment=args.experiment, **r)), flush=True)
    print(json.dumps(dict(experiment=args.experiment, torch=torch.__version__, summary=summary(results))))


if __name__ == "__main__":
    sys.exit(main())
