# Writes a man page for a program from its --help (cmake -P; run at build time by packaging/debian.cmake):
#   cmake -DPROGRAM=path -DNAME=pretrain -DSUMMARY="..." -DVERSION=0.1.0 -DOUT=pretrain.1 [-DCOMMANDS=ON]
#         -P man_page.cmake
# help2man turns `PROGRAM --help` into the page; with COMMANDS=ON every subcommand's own --help (the
# commands listed by `PROGRAM --help`) is added as a COMMANDS section, so the page holds every option.
set(include_option "")
if(COMMANDS)
  set(include_file "${OUT}.h2m")
  set(include_option "--include=${include_file}")
  execute_process(COMMAND "${PROGRAM}" --help OUTPUT_VARIABLE top RESULT_VARIABLE rc)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "${PROGRAM} --help failed")
  endif()
  string(REGEX MATCHALL "\n  ([a-z][a-z-]+) " lines "${top}")
  set(section "[COMMANDS]\n")
  foreach(line IN LISTS lines)
    string(STRIP "${line}" command)
    execute_process(COMMAND "${PROGRAM}" ${command} --help OUTPUT_VARIABLE help RESULT_VARIABLE rc)
    if(NOT rc EQUAL 0)
      message(FATAL_ERROR "${PROGRAM} ${command} --help failed")
    endif()
    # roff: a backslash is written \e, and a line may not start with a control character.
    string(REPLACE "\\" "\\e" help "${help}")
    string(REGEX REPLACE "(^|\n)([.'])" "\\1\\\\&\\2" help "${help}")
    string(APPEND section ".SS \"${NAME} ${command}\"\n.nf\n${help}.fi\n")
  endforeach()
  file(WRITE "${include_file}" "${section}")
endif()
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env QT_QPA_PLATFORM=offscreen
          help2man --no-info --no-discard-stderr --version-string=${VERSION} --name=${SUMMARY}
          ${include_option} --output=${OUT} ${PROGRAM}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "help2man failed for ${PROGRAM}")
endif()
