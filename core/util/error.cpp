#include "util/error.h"

#include <nlohmann/json.hpp>

#include <cerrno>
#include <cstring>
#include <new>

namespace pretrain {

std::string firstLine(const std::exception& e) {
  const std::string what = e.what();
  return what.substr(0, what.find('\n'));
}

std::string systemErrorText() {
  // Said in words a person acts on; the files already written stay.
  if (errno == ENOSPC)
    return std::string(std::strerror(errno)) + ": the disk is full; free some space and run it again";
  if (errno == EDQUOT)
    return std::string(std::strerror(errno)) +
           ": your disk quota is used up; free some space and run it again";
  return errno != 0 ? std::strerror(errno) : "the write failed";
}

std::string errorMessage(const std::exception_ptr& error) {
  if (!error) return "no error";
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {  // The engine's own messages are written for people already.
    return firstLine(e);
  } catch (const std::bad_alloc&) {
    return "out of memory: use a smaller batch, context or model";
  } catch (const nlohmann::json::exception& e) {
    return "a JSON file does not have the shape this program writes (" + firstLine(e) + ")";
  } catch (const std::exception& e) {  // LibTorch's c10::Error among them.
    return firstLine(e);
  } catch (...) {
    return "unexpected error of an unknown kind";
  }
}

}  // namespace pretrain
