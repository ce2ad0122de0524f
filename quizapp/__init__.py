"""quizapp: spaced-repetition drills for deep technical interviews in multimodal AI."""

__version__ = "0.1.0"
