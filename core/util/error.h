#pragma once
// Typed errors thrown by the engine. Messages are one line, say what failed and where, and end with a hint
// when there is one; the command line prints them as they are and the GUI shows them in a dialog.

#include <exception>
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

/// The one place that turns an exception into what a person reads: one line, without LibTorch's stack
/// trace ("...\nException raised from ..."), with a hint where the kind of error suggests one (out of
/// memory, a JSON file of the wrong shape). Every thread entry point and every catch-all that calls the
/// engine (the command line, the studio's workers, background tasks and menu actions) shows this.
std::string errorMessage(const std::exception_ptr& error);
/// errorMessage() of the exception being handled; call it inside a catch block.
inline std::string currentErrorMessage() { return errorMessage(std::current_exception()); }
/// What the last failed system call said (strerror(errno)), as the cause of an IoError; a full disk also
/// says so in plain words.
std::string systemErrorText();
/// The first line of `e.what()`.
std::string firstLine(const std::exception& e);

}  // namespace pretrain
