"""The model library: plain Python and numerical code, no Django.

Heavy libraries (numpy, scipy, pandas, scikit-learn, xgboost, torch, fairlearn,
skops) are imported inside functions, so importing any module of this package
costs nothing to a web request.
"""
