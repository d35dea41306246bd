using CollapseLab.Cli;

return CollapseCli.Run(args, Console.Out, Console.Error);
