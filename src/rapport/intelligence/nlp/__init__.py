"""Reading text in Chinese, English or both: language, sentiment, keywords, topics.

Pure Python on top of jieba and scikit-learn, with no Django imports, so the same
code serves the worker, `rapport nlp analyze` and the benchmarks. Importing this
package is cheap: jieba, scikit-learn and the model load on the first analysis.

    from rapport.intelligence.nlp import DomainDictionary, analyze
    result = analyze("交付延期了两周，非常不满意", dictionary=DomainDictionary(
        products={"云枢 ERP": ["云枢"]}, competitors=["金蝶"], customers=["华光科技"]))
    result.label  # "negative"
"""

from rapport.intelligence.nlp.analysis import Analysis, analyze, analyze_many
from rapport.intelligence.nlp.dictionary import DomainDictionary
from rapport.intelligence.nlp.language import detect_language
from rapport.intelligence.nlp.sentiment import ModelIntegrityError
from rapport.intelligence.nlp.taxonomy import Taxonomy, Topic

__all__ = [
    "Analysis",
    "DomainDictionary",
    "ModelIntegrityError",
    "Taxonomy",
    "Topic",
    "analyze",
    "analyze_many",
    "detect_language",
]
