#pragma once
// Reaching a widget inside a page as a person's tools do (by its object name), so that pages carry no
// accessors for tests alone.

#include <QtCore/QObject>

namespace testdata {

/// The descendant of `parent` of type T named `name`. None is a mistake in the test: it stops the program
/// saying which, rather than failing later on a null pointer.
template <class T>
T* child(const QObject* parent, const char* name) {
  T* found = parent->findChild<T*>(name);
  if (!found) qFatal("no %s named %s", T::staticMetaObject.className(), name);
  return found;
}

}  // namespace testdata
