#pragma once
// Small corpora the tests make themselves: deterministic, a few kilobytes to a few hundred.

#include <QtCore/QByteArray>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QString>
#include <QtTest/QTest>

#include <cstring>
#include <random>
#include <string>
#include <vector>

namespace testdata {

inline void writeFile(const QString& path, const QByteArray& bytes) {
  QDir().mkpath(QFileInfo(path).absolutePath());
  QFile f(path);
  QVERIFY2(f.open(QIODevice::WriteOnly), qPrintable("cannot write " + path));
  QCOMPARE(f.write(bytes), qint64(bytes.size()));
}

/// `count` English-like sentences from a fixed vocabulary (with accents), deterministic for a seed.
inline std::vector<std::string> sentences(int count, unsigned seed = 1) {
  static const char* subjects[] = {"the cat",          "a dog",       "my friend",           "the old man",
                                   "the café owner",   "our teacher", "the quick brown fox", "a young girl",
                                   "the naïve student"};
  static const char* verbs[] = {"eats", "sees", "likes", "jumps over", "walks to", "reads about", "paints"};
  static const char* objects[] = {"the lazy dog", "a red apple",      "pizza with cheese",
                                  "the river",    "a small house",    "the green garden",
                                  "an old book",  "the crème brûlée", "a blue car"};
  static const char* endings[] = {".", " today.", " again.", " every day.", "!", " in the morning."};
  std::mt19937 rng(seed);
  std::vector<std::string> out;
  for (int i = 0; i < count; ++i) {
    std::string s = subjects[rng() % 9];
    s[0] = char(std::toupper(s[0]));
    s += std::string(" ") + verbs[rng() % 7] + " " + objects[rng() % 9] + endings[rng() % 6];
    out.push_back(s);
  }
  return out;
}

/// A .txt corpus of `documents` documents (blank-line separated) of `perDocument` sentences each.
inline QByteArray textCorpus(int documents, int perDocument, unsigned seed = 1) {
  QByteArray text;
  const auto all = sentences(documents * perDocument, seed);
  for (int d = 0; d < documents; ++d) {
    if (d > 0) text += "\n";
    for (int s = 0; s < perDocument; ++s)
      text += QByteArray::fromStdString(all[size_t(d * perDocument + s)]) + "\n";
  }
  return text;
}

/// `count` pairs from sentences(count, seed) as .jsonl lines: the sentence up to its object's last word, and
/// that word ("The cat eats the lazy" -> "dog"), which the input's last word decides.
inline QByteArray pairsCorpus(int count, unsigned seed = 1) {
  static const char* endings[] = {" in the morning.", " every day.", " today.", " again.", ".", "!"};
  QByteArray out;
  for (std::string s : sentences(count, seed)) {
    for (const char* e : endings)
      if (s.size() > std::strlen(e) && s.compare(s.size() - std::strlen(e), std::string::npos, e) == 0) {
        s.resize(s.size() - std::strlen(e));
        break;
      }
    const size_t cut = s.rfind(' ');
    out += "{\"input\": \"" + QByteArray::fromStdString(s.substr(0, cut)) + "\", \"output\": \"" +
           QByteArray::fromStdString(s.substr(cut + 1)) + "\"}\n";
  }
  return out;
}

}  // namespace testdata

namespace testdata {

/// The mission's examples in a small corpus: "pizza with cheese" and "the quick brown fox" are common,
/// among sentences of the same shape that end otherwise.
inline QByteArray missionCorpus(int documents = 200, unsigned seed = 5) {
  static const char* lines[] = {
      "I love to eat pizza with cheese.",          "The quick brown fox jumps over the lazy dog.",
      "We like to eat bread with butter.",         "A slow green turtle walks under the old bridge.",
      "They want to eat pasta with tomato sauce.", "The small red bird sings in the tall tree.",
      "I love to eat pizza with cheese.",          "The quick brown fox jumps over the lazy dog."};
  std::mt19937 rng(seed);
  QByteArray text;
  for (int d = 0; d < documents; ++d) {
    for (int s = 0; s < 10; ++s) text += QByteArray(lines[rng() % 8]) + "\n";
    text += "\n";
  }
  return text;
}

}  // namespace testdata
