#pragma once
// Typed errors thrown by the engine. Messages are one line, say what failed and where, and end with a hint
// when there is one; the command line prints them as they are and the GUI shows them in a dialog.

#include <stdexcept>
#include <string>

namespace pretrain {

/// Base of every error the engine throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// The user's input cannot be used: a missing, empty, binary or wrongly encoded file, an impossible setting.
class InputError : public Error {
 public:
  using Error::Error;
};

/// Reading or writing a file failed (disk full, permissions, a file that changed underneath us).
class IoError : public Error {
 public:
  using Error::Error;
};

/// The caller asked to stop (its progress callback returned false). Nothing half-done is left behind.
class Cancelled : public Error {
 public:
  Cancelled() : Error("cancelled") {}
};

/// The message of any exception as one line: LibTorch's own errors carry a stack trace after their
/// message ("...\nException raised from ..."), which a person should not be shown.
inline std::string errorText(const std::exception& e) {
  const std::string what = e.what();
  return what.substr(0, what.find('\n'));
}

}  // namespace pretrain
