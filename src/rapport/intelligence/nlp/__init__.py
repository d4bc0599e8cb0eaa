"""Reading text in Chinese, English or both: language, sentiment, keywords, topics.

Pure Python on top of jieba and scikit-learn, with no Django imports, so the same
code serves the worker, `rapport nlp analyze` and the benchmarks.
"""
